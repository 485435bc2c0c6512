package io.herald.dispatch.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.herald.contracts.tls.Pem;
import io.vertx.core.net.KeyCertOptions;

/**
 * A TLS client certificate an endpoint requires (mutual TLS): the PEM chain and its PKCS#8 key, in clear in memory
 * only.
 *
 * @param certificatePem the client certificate, then its chain
 * @param privateKeyPem its unencrypted PKCS#8 private key
 */
public record ClientCertificate(String certificatePem, String privateKeyPem) {

    /** Tells two certificates (or a changed key) apart without holding key material: SHA-256 of both, hex. */
    public String fingerprint() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(certificatePem.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(privateKeyPem.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the Vert.x client presents during the handshake. */
    KeyCertOptions keyCertOptions() {
        return KeyCertOptions.wrap(Pem.keyManagerFactory(certificatePem, privateKeyPem));
    }

    @Override
    public String toString() {
        return "ClientCertificate[<redacted>]";
    }
}
