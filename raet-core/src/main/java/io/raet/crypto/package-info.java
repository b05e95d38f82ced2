/**
 * The keys and the primitives of RAET, libsodium through the FFM API ({@link io.raet.crypto.Sodium}): Ed25519
 * signing keys ({@link io.raet.crypto.SigningKey}, {@link io.raet.crypto.VerifyKey}), Curve25519 box keys
 * ({@link io.raet.crypto.BoxKeyPair}, {@link io.raet.crypto.PublicKey}) and the precomputed box key of a session
 * ({@link io.raet.crypto.SharedKey}), the secretbox and Argon2id of sealed keeps ({@link io.raet.crypto.SecretBoxKey},
 * {@link io.raet.crypto.Argon2id}). Secrets are wiped when destroyed; what does not verify or open is a
 * {@link io.raet.crypto.CryptoException} or {@code false}, never a crash. The JVM needs native access for the module
 * ({@code --enable-native-access=io.raet}, or {@code ALL-UNNAMED} on the class path).
 */
package io.raet.crypto;
