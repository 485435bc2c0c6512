package io.herald.contracts.signing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The shared cases of {@code signature-vectors.json}. */
record SignatureVectors(String description, List<Case> cases) {

    record Case(String name, List<String> secrets, String signingSecret, String id, String timestamp, String body,
            long now, String signature, boolean valid, boolean signable, String error) {

        /** What a signable case signs with: its {@code whsk_} private key, or else its (HMAC) secret. */
        String signer() {
            return signingSecret != null ? signingSecret : secrets.get(0);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> load() {
        try (InputStream in = SignatureVectors.class.getResourceAsStream("/signature-vectors.json")) {
            return new ObjectMapper().readValue(in, SignatureVectors.class).cases();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Case> signable() {
        return load().stream().filter(Case::signable).toList();
    }

    /** Signable cases with a {@code whsk_} private key, whose {@code secrets[0]} is its {@code whpk_} public key. */
    static List<Case> signableWithKeyPair() {
        return signable().stream().filter(c -> c.signingSecret() != null).toList();
    }
}
