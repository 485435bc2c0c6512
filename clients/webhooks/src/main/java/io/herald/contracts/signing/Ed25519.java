package io.herald.contracts.signing;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * Pure Ed25519 (RFC 8032) on raw keys, with the JDK's own provider: a private key is its 32-byte seed, a public key its
 * 32-byte encoding. The JDK takes public keys only as X.509 SubjectPublicKeyInfo, whose DER for Ed25519 (RFC 8410) is a
 * fixed 12-byte header followed by the raw key.
 */
final class Ed25519 {

    static final String ALGORITHM = "Ed25519";
    static final int KEY_BYTES = 32;
    static final int SIGNATURE_BYTES = 64;
    private static final byte[] SPKI_HEADER = { 0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21,
            0x00 };

    private Ed25519() {
    }

    /** A new key pair as {seed, public key}. */
    static byte[][] generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
            byte[] seed = ((EdECPrivateKey) pair.getPrivate()).getBytes()
                    .orElseThrow(() -> new IllegalStateException("Ed25519 private key without its bytes"));
            byte[] spki = pair.getPublic().getEncoded();
            return new byte[][] { seed, Arrays.copyOfRange(spki, spki.length - KEY_BYTES, spki.length) };
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 unavailable", e);
        }
    }

    static byte[] sign(byte[] seed, byte[] message) {
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initSign(KeyFactory.getInstance(ALGORITHM)
                    .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed)));
            signature.update(message);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** False for a wrong signature, and also for a malformed signature or key: neither proves anything. */
    static boolean verify(byte[] publicKey, byte[] message, byte[] signatureBytes) {
        if (signatureBytes.length != SIGNATURE_BYTES) {
            return false;
        }
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initVerify(publicKey(publicKey));
            signature.update(message);
            return signature.verify(signatureBytes);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static PublicKey publicKey(byte[] raw) throws GeneralSecurityException {
        byte[] spki = Arrays.copyOf(SPKI_HEADER, SPKI_HEADER.length + raw.length);
        System.arraycopy(raw, 0, spki, SPKI_HEADER.length, raw.length);
        return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(spki));
    }
}
