package io.herald.contracts.tls;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * PEM certificates and PKCS#8 private keys with the JDK alone: what subscription checks an endpoint's mutual-TLS
 * credentials with, and what dispatch presents them and trusts extra authorities with. One implementation for both, so
 * a key that passed registration is a key dispatch can use.
 */
public final class Pem {

    private static final Pattern CERTIFICATE = Pattern
            .compile("-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+)-----END CERTIFICATE-----");
    private static final Pattern PKCS8_KEY = Pattern
            .compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final char[] NO_PASSWORD = new char[0];

    private Pem() {
    }

    /**
     * Every certificate of {@code pem}, in order (the client's own first, then its chain).
     *
     * @throws IllegalArgumentException when it holds none, or one does not parse
     */
    public static List<X509Certificate> certificates(String pem) {
        List<X509Certificate> certificates = new ArrayList<>();
        Matcher matcher = CERTIFICATE.matcher(pem == null ? "" : pem);
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            while (matcher.find()) {
                byte[] der = Base64.getMimeDecoder().decode(matcher.group(1));
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("is not a readable PEM certificate (" + e.getMessage() + ")");
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("holds no -----BEGIN CERTIFICATE----- block");
        }
        return certificates;
    }

    /**
     * The unencrypted PKCS#8 private key of {@code pem} ({@code -----BEGIN PRIVATE KEY-----}), of the algorithm of the
     * public key it belongs with ({@code RSA}, {@code EC}, {@code Ed25519}...).
     *
     * @throws IllegalArgumentException when there is no such block or it does not parse as a key of that algorithm
     */
    public static PrivateKey privateKey(String pem, String algorithm) {
        Matcher matcher = PKCS8_KEY.matcher(pem == null ? "" : pem);
        if (!matcher.find()) {
            throw new IllegalArgumentException("must be an unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----; "
                    + "openssl pkcs8 -topk8 -nocrypt converts other forms)");
        }
        try {
            return KeyFactory.getInstance(algorithm)
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(matcher.group(1))));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("is not a readable " + algorithm + " private key");
        }
    }

    /**
     * Whether {@code key} is the private key of {@code certificate}: a signature it makes verifies with the
     * certificate's public key.
     */
    public static boolean belongTogether(X509Certificate certificate, PrivateKey key) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448
        };
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * A key manager factory presenting the certificate chain {@code certificatePem} with its key {@code privateKeyPem}.
     *
     * @throws IllegalArgumentException when either does not parse
     */
    public static KeyManagerFactory keyManagerFactory(String certificatePem, String privateKeyPem) {
        List<X509Certificate> chain = certificates(certificatePem);
        PrivateKey key = privateKey(privateKeyPem, chain.get(0).getPublicKey().getAlgorithm());
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("client", key, NO_PASSWORD, chain.toArray(Certificate[]::new));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, NO_PASSWORD);
            return factory;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("cannot hold the client certificate: " + e.getMessage(), e);
        }
    }

    /** A trust manager factory trusting the JDK's default authorities and every certificate of {@code extraPem}. */
    public static TrustManagerFactory trustingAlso(String extraPem) {
        try {
            TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((KeyStore) null);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int n = 0;
            for (var manager : defaults.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    for (X509Certificate authority : x509.getAcceptedIssuers()) {
                        store.setCertificateEntry("default-" + n++, authority);
                    }
                }
            }
            for (X509Certificate extra : certificates(extraPem)) {
                store.setCertificateEntry("extra-" + n++, extra);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("Cannot build the trust store: " + e.getMessage(), e);
        }
    }
}
