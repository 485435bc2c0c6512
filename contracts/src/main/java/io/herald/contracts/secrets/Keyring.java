package io.herald.contracts.secrets;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256-GCM keys that seal what must never be readable outside subscription and dispatch: signing secrets,
 * private keys and custom header values, in PostgreSQL and on Kafka. One implementation for both services.
 * <p>
 * A sealed value is {@code <key id>:<base64(12-byte random nonce | ciphertext | 16-byte tag)>}; the associated data
 * binds it to what it belongs to (the endpoint id), so a value copied onto another endpoint does not open. The first
 * key of the keyring seals; every key opens what it sealed. A value whose key id the keyring does not hold, or that is
 * not sealed at all, is refused ({@link SealedValueException}), never taken as plaintext.
 * <p>
 * The keyring is written {@code <id>:<base64 key>[,<id>:<base64 key>...]}, newest first (e.g.
 * {@code k2:<new>,k1:<old>}). A bare base64 key, the single-key form of earlier versions, is the key {@code v1}: the
 * values it sealed then carry exactly that prefix.
 */
public final class Keyring {

    /** Key id of a keyring written as a bare base64 key (and of every value sealed before keyrings existed). */
    public static final String LEGACY_KEY_ID = "v1";
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, SecretKey> keys;
    private final String sealingKeyId;

    private Keyring(Map<String, SecretKey> keys) {
        this.keys = Collections.unmodifiableMap(keys);
        this.sealingKeyId = keys.keySet().iterator().next();
    }

    /**
     * Reads a keyring (see the class comment); {@code setting} names the configuration key in error messages, which
     * never include key material.
     *
     * @throws IllegalStateException when it is empty, an id is malformed or repeated, or a key is not 32 base64 bytes
     */
    public static Keyring parse(String spec, String setting) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalStateException(setting + " is not set: it needs at least one AES-256 key (base64 of 32 "
                    + "random bytes, e.g. openssl rand -base64 32), written <id>:<base64>[,<id>:<base64>...]");
        }
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        for (String entry : spec.split(",")) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int colon = trimmed.indexOf(':');
            String id = colon < 0 ? LEGACY_KEY_ID : trimmed.substring(0, colon).trim();
            String material = colon < 0 ? trimmed : trimmed.substring(colon + 1).trim();
            if (!KEY_ID.matcher(id).matches()) {
                throw new IllegalStateException(setting + ": key id '" + id + "' must match " + KEY_ID.pattern());
            }
            if (keys.containsKey(id)) {
                throw new IllegalStateException(setting + ": key id '" + id + "' appears twice");
            }
            keys.put(id, key(material, id, setting));
        }
        if (keys.isEmpty()) {
            throw new IllegalStateException(setting + " holds no key");
        }
        return new Keyring(keys);
    }

    private static SecretKey key(String base64, String id, String setting) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(setting + ": key '" + id + "' is not base64");
        }
        if (bytes.length != KEY_BYTES) {
            throw new IllegalStateException(
                    setting + ": key '" + id + "' must be the base64 of " + KEY_BYTES + " bytes, not " + bytes.length);
        }
        return new SecretKeySpec(bytes, "AES");
    }

    /** The id of the key that seals: the first of the keyring. */
    public String sealingKeyId() {
        return sealingKeyId;
    }

    /** Every key id, the sealing one first. */
    public List<String> keyIds() {
        return List.copyOf(keys.keySet());
    }

    /** Seals {@code plaintext} for {@code boundTo} with the sealing key; null stays null. */
    public String seal(String plaintext, String boundTo) {
        if (plaintext == null) {
            return null;
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(sealingKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return sealingKeyId + ":" + Base64.getEncoder()
                    .encodeToString(ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /**
     * Opens what {@link #seal} made for {@code boundTo}; null stays null.
     *
     * @throws SealedValueException when the value is not sealed, its key id is not in this keyring, or it was sealed
     *         for something else, with another key of that id, or altered
     */
    public String open(String sealed, String boundTo) {
        if (sealed == null) {
            return null;
        }
        String keyId = keyIdOf(sealed);
        if (keyId == null) {
            throw new SealedValueException("A value of " + boundTo + " is not sealed (no key id); refused");
        }
        SecretKey key = keys.get(keyId);
        if (key == null) {
            throw new SealedValueException("A value of " + boundTo + " is sealed under key id '" + keyId
                    + "', which the keyring does not hold (it holds " + keys.keySet() + ")");
        }
        try {
            byte[] data = Base64.getDecoder().decode(sealed.substring(keyId.length() + 1));
            if (data.length < NONCE_BYTES + TAG_BITS / 8) {
                throw new SealedValueException("A value of " + boundTo + " is too short to be sealed");
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, data, 0, NONCE_BYTES));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(data, NONCE_BYTES, data.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new SealedValueException("A value of " + boundTo + " does not open with key '" + keyId
                    + "': sealed for something else, with another key of that id, or altered");
        }
    }

    /** Whether {@code value} is sealed with the sealing key (null counts: nothing to move). */
    public boolean sealedWithCurrentKey(String value) {
        return value == null || sealingKeyId.equals(keyIdOf(value));
    }

    /** Opens {@code sealed} and seals it again with the sealing key, unless it already is (null stays null). */
    public String reseal(String sealed, String boundTo) {
        return sealedWithCurrentKey(sealed) ? sealed : seal(open(sealed, boundTo), boundTo);
    }

    /** The key id a value is written with, or null when it does not have the sealed form. */
    public static String keyIdOf(String value) {
        int colon = value.indexOf(':');
        return colon > 0 && KEY_ID.matcher(value.substring(0, colon)).matches() ? value.substring(0, colon) : null;
    }

    @Override
    public String toString() {
        return "Keyring[sealing=" + sealingKeyId + ", keys=" + keys.keySet() + "]";
    }
}
