/**
 * The trust plane's governed policy (docs/security.md): a {@link io.raet.trust.Genesis} names N governors and a
 * threshold M; a {@link io.raet.trust.PolicyVersion} (number, hash of the previous version, table, key
 * acceptances) takes effect on a router's {@link io.raet.trust.PolicyChain} only with M distinct valid governor
 * signatures; each {@link io.raet.trust.Governor} signs one proposal per version, its vote recorded in a
 * {@link io.raet.trust.VoteLedger}. Sans-IO: documents are JSON maps that a driver carries; {@link
 * io.raet.trust.ChainFiles} and the file ledger are the only parts that touch the disk.
 */
package io.raet.trust;
