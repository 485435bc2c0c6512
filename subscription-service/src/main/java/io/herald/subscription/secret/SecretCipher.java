package io.herald.subscription.secret;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * AES-256-GCM for what must not sit in PostgreSQL as plaintext: signing secrets and outbox payloads (which carry them).
 * A value is {@code v1:} + base64(12-byte random nonce | ciphertext | 16-byte tag); the associated data binds it to its
 * row (the endpoint id), so a ciphertext copied onto another endpoint does not decrypt. Error messages never include
 * the value.
 */
@ApplicationScoped
public class SecretCipher {

    static final String PREFIX = "v1:";
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;

    @Inject
    public SecretCipher(SecretsConfig config) {
        this(config.encryptionKey());
    }

    SecretCipher(String base64Key) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64Key.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("herald.subscription.secrets.encryption-key is not base64");
        }
        if (bytes.length != KEY_BYTES) {
            throw new IllegalStateException(
                    "herald.subscription.secrets.encryption-key must be the base64 of " + KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(bytes, "AES");
    }

    /** Encrypts {@code plaintext} for the row {@code boundTo}; null stays null. */
    public String encrypt(String plaintext, String boundTo) {
        if (plaintext == null) {
            return null;
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder()
                    .encodeToString(ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** Whether {@code stored} is a value of {@link #encrypt} (rather than a plaintext secret of a Flyway V1 row). */
    public boolean isEncrypted(String stored) {
        return stored != null && stored.startsWith(PREFIX);
    }

    /**
     * Decrypts what {@link #encrypt} made for {@code boundTo}; null stays null. A value without the {@code v1:} prefix
     * is a plaintext secret written before encryption existed (Flyway V1 rows) and is returned as it is.
     *
     * @throws IllegalStateException when the value was encrypted with another key or for another row, or was altered
     */
    public String decrypt(String stored, String boundTo) {
        if (stored == null || !stored.startsWith(PREFIX)) {
            return stored;
        }
        try {
            byte[] data = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, data, 0, NONCE_BYTES));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(data, NONCE_BYTES, data.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("A stored secret of " + boundTo
                    + " does not decrypt with the configured herald.subscription.secrets.encryption-key");
        }
    }
}
