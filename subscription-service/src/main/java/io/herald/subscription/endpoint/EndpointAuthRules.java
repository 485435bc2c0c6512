package io.herald.subscription.endpoint;

import java.net.URI;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import io.herald.contracts.messages.EndpointAuth;
import io.herald.contracts.tls.Pem;
import io.herald.kit.problem.Problem.FieldError;
import io.herald.kit.problem.ProblemException;
import io.herald.subscription.SubscriptionConfig;

/**
 * The rules of an endpoint's credentials ({@code auth}) and of its write-only header values ({@code secretHeaders}),
 * refused with 422 problem+json ({@code urn:herald:problem:invalid-auth}) naming each field.
 * <ul>
 * <li>{@code type} is {@code bearer}, {@code basic}, {@code oauth2} or {@code mtls}, and only that type's fields are
 * given: bearer {@code token}; basic {@code username} (no {@code :}) and {@code password}; oauth2 {@code tokenUrl}
 * (absolute http(s), https where endpoint URLs must be, and checked by the egress policy like them), {@code clientId},
 * {@code clientSecret} and an optional {@code scope}; mtls {@code certificatePem} (X.509, not expired) and its PKCS#8
 * {@code privateKeyPem} (the key must belong to the certificate).</li>
 * <li>No control characters, and bounded lengths (see {@link EndpointAuthRequest}).</li>
 * <li>A type that sets {@code Authorization} (bearer, basic, oauth2) does not go with a custom {@code Authorization}
 * header.</li>
 * <li>Secret parts come back as {@value #MASK}; a PATCH sending the mask back keeps the stored value, as long as the
 * type stays the same.</li>
 * <li>{@code secretHeaders} names custom headers (at most all of them); their values come back as {@value #MASK}, and a
 * PATCH of {@code headers} that sends the mask as the value of such a header keeps the stored value.</li>
 * </ul>
 */
@ApplicationScoped
public class EndpointAuthRules {

    /** What the API shows instead of a secret value. */
    public static final String MASK = "********";
    static final String PROBLEM = "urn:herald:problem:invalid-auth";
    private static final int MAX_SECRET = 4096;
    private static final int MAX_NAME = 256;
    private static final int MAX_URL = 2048;
    private static final int MAX_PEM = 16_384;
    private static final Map<String, Set<String>> FIELDS = Map.of(EndpointAuth.BEARER, Set.of("token"),
            EndpointAuth.BASIC, Set.of("username", "password"), EndpointAuth.OAUTH2,
            Set.of("tokenUrl", "clientId", "clientSecret", "scope"), EndpointAuth.MTLS,
            Set.of("certificatePem", "privateKeyPem"));
    private static final String AUTHORIZATION = "authorization";

    private final boolean requireHttps;
    private final Clock clock;

    public EndpointAuthRules(SubscriptionConfig config, Clock clock) {
        this.requireHttps = config.endpoints().requireHttps();
        this.clock = clock;
    }

    /**
     * The credentials of a request as they are to be stored, with masked secret parts taken from {@code current} (the
     * stored credentials, or null); 422 naming every problem.
     */
    public EndpointAuth resolve(EndpointAuthRequest request, EndpointAuth current) {
        if (request == null) {
            return null;
        }
        EndpointAuth wanted = request.toAuth();
        boolean sameType = current != null && Objects.equals(current.type(), wanted.type());
        EndpointAuth resolved = new EndpointAuth(wanted.type(),
                unmasked(wanted.token(), sameType ? current.token() : null), wanted.username(),
                unmasked(wanted.password(), sameType ? current.password() : null), wanted.tokenUrl(), wanted.clientId(),
                unmasked(wanted.clientSecret(), sameType ? current.clientSecret() : null), wanted.scope(),
                wanted.certificatePem(), unmasked(wanted.privateKeyPem(), sameType ? current.privateKeyPem() : null));
        List<FieldError> errors = new ArrayList<>();
        check(resolved, errors);
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        return resolved;
    }

    private static String unmasked(String value, String stored) {
        return MASK.equals(value) && stored != null ? stored : value;
    }

    private void check(EndpointAuth auth, List<FieldError> errors) {
        Set<String> allowed = auth.type() == null ? null : FIELDS.get(auth.type());
        if (allowed == null) {
            errors.add(new FieldError("auth.type", "must be bearer, basic, oauth2 or mtls"));
            return;
        }
        Map<String, String> given = new LinkedHashMap<>();
        given.put("token", auth.token());
        given.put("username", auth.username());
        given.put("password", auth.password());
        given.put("tokenUrl", auth.tokenUrl());
        given.put("clientId", auth.clientId());
        given.put("clientSecret", auth.clientSecret());
        given.put("scope", auth.scope());
        given.put("certificatePem", auth.certificatePem());
        given.put("privateKeyPem", auth.privateKeyPem());
        given.forEach((field, value) -> {
            if (value != null && !allowed.contains(field)) {
                errors.add(new FieldError("auth." + field, "is not used by type " + auth.type()));
            } else if (value == null && allowed.contains(field) && !"scope".equals(field)) {
                errors.add(new FieldError("auth." + field, "is required for type " + auth.type()));
            } else if (MASK.equals(value)) {
                errors.add(new FieldError("auth." + field, "is the mask: send the value itself (it is kept only by a "
                        + "PATCH of an auth of the same type)"));
            }
        });
        if (!errors.isEmpty()) {
            return;
        }
        switch (auth.type()) {
            case EndpointAuth.BEARER -> text("auth.token", auth.token(), MAX_SECRET, errors);
            case EndpointAuth.BASIC -> {
                text("auth.username", auth.username(), MAX_NAME, errors);
                if (auth.username().indexOf(':') >= 0) {
                    errors.add(new FieldError("auth.username", "must not contain ':'"));
                }
                text("auth.password", auth.password(), MAX_SECRET, errors);
            }
            case EndpointAuth.OAUTH2 -> {
                tokenUrl(auth.tokenUrl(), errors);
                text("auth.clientId", auth.clientId(), MAX_NAME, errors);
                text("auth.clientSecret", auth.clientSecret(), MAX_SECRET, errors);
                if (auth.scope() != null) {
                    text("auth.scope", auth.scope(), MAX_SECRET, errors);
                }
            }
            default -> clientCertificate(auth, errors);
        }
    }

    private static void text(String field, String value, int max, List<FieldError> errors) {
        if (value.isBlank() || value.length() > max || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            errors.add(new FieldError(field, "must be 1 to " + max + " characters without control characters"));
        }
    }

    private void tokenUrl(String url, List<FieldError> errors) {
        try {
            URI uri = URI.create(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (url.length() > MAX_URL || uri.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
                errors.add(new FieldError("auth.tokenUrl",
                        "must be an absolute http(s) URL of at most " + MAX_URL + " characters"));
            } else if (requireHttps && !scheme.equals("https")) {
                errors.add(new FieldError("auth.tokenUrl", "must use https"));
            }
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError("auth.tokenUrl", "must be an absolute http(s) URL"));
        }
    }

    private void clientCertificate(EndpointAuth auth, List<FieldError> errors) {
        if (auth.certificatePem().length() > MAX_PEM || auth.privateKeyPem().length() > MAX_PEM) {
            errors.add(new FieldError("auth",
                    "certificatePem and privateKeyPem take at most " + MAX_PEM + " characters each"));
            return;
        }
        X509Certificate certificate;
        try {
            certificate = Pem.certificates(auth.certificatePem()).get(0);
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError("auth.certificatePem", e.getMessage()));
            return;
        }
        if (!certificate.getNotAfter().toInstant().isAfter(clock.instant())) {
            errors.add(new FieldError("auth.certificatePem", "expired on " + certificate.getNotAfter().toInstant()));
        }
        PrivateKey key;
        try {
            key = Pem.privateKey(auth.privateKeyPem(), certificate.getPublicKey().getAlgorithm());
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError("auth.privateKeyPem", e.getMessage()));
            return;
        }
        if (!Pem.belongTogether(certificate, key)) {
            errors.add(new FieldError("auth.privateKeyPem", "is not the key of the certificate"));
        }
    }

    /**
     * The stored custom headers after a change to {@code requested}: a value that is the mask, for a header that was
     * secret and set, keeps its stored value (so a client can send back what it read).
     */
    public Map<String, String> unmaskedHeaders(Map<String, String> requested, Map<String, String> stored,
            List<String> storedSecret) {
        if (requested == null || stored == null || storedSecret == null) {
            return requested;
        }
        Map<String, String> resolved = new LinkedHashMap<>(requested);
        resolved.replaceAll((name, value) -> MASK.equals(value) && contains(storedSecret, name)
                ? stored.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                        .findFirst().orElse(value)
                : value);
        return resolved;
    }

    /**
     * Checks the endpoint as it will be stored: every name of {@code secretHeaders} is one of its headers, and a custom
     * {@code Authorization} header does not meet credentials that set it; 422 otherwise. Answers the secret header
     * names spelled as the headers spell them, or null for none.
     */
    public List<String> checkTogether(Map<String, String> headers, List<String> secretHeaders, EndpointAuth auth) {
        List<FieldError> errors = new ArrayList<>();
        Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) {
            names.addAll(headers.keySet());
        }
        List<String> spelled = new ArrayList<>();
        if (secretHeaders != null) {
            for (String name : secretHeaders) {
                String own = headers == null || name == null ? null
                        : headers.keySet().stream().filter(h -> h.equalsIgnoreCase(name)).findFirst().orElse(null);
                if (own == null) {
                    errors.add(new FieldError("secretHeaders", "names '" + name + "', which is not one of headers"));
                } else if (!spelled.contains(own)) {
                    spelled.add(own);
                }
            }
        }
        if (auth != null && !EndpointAuth.MTLS.equals(auth.type()) && names.contains(AUTHORIZATION)) {
            errors.add(new FieldError("headers.Authorization",
                    "conflicts with auth of type " + auth.type() + ", which sets Authorization"));
        }
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        return spelled.isEmpty() ? null : List.copyOf(spelled);
    }

    /** The headers as the API shows them: values of secret headers masked. */
    static Map<String, String> masked(Map<String, String> headers, List<String> secretHeaders) {
        if (headers == null || secretHeaders == null || secretHeaders.isEmpty()) {
            return headers;
        }
        Map<String, String> shown = new LinkedHashMap<>(headers);
        shown.replaceAll((name, value) -> contains(secretHeaders, name) ? MASK : value);
        return shown;
    }

    private static boolean contains(List<String> names, String name) {
        return names.stream().anyMatch(n -> n.equalsIgnoreCase(name));
    }

    private static ProblemException invalid(List<FieldError> errors) {
        return ProblemException.unprocessable(PROBLEM, "Invalid endpoint credentials",
                "The endpoint's auth or secretHeaders has " + errors.size() + " problem(s)", errors);
    }
}
