/**
 * The keep: on-disk storage of the local estate and its keys, the remote estates, and the remote roles' keys and
 * acceptance, in the reference's layout and JSON format. Entry point {@link io.raet.keep.RoadKeep}; a keep can be
 * sealed under a passphrase ({@link io.raet.keep.SealedKeep}, {@link io.raet.keep.PassphraseSource}, docs/keep.md).
 */
package io.raet.keep;
