package io.herald.subscription.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.herald.testing.ServiceTestResources;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every operation of the API names the scopes it needs ({@code @RolesAllowed}) or says it is public
 * ({@code @PermitAll}), and one that names neither is closed anyway ({@code deny-unannotated-endpoints}): a route added
 * without a scope never answers anyone.
 */
@QuarkusTest
@ServiceTestResources
class ScopedOperationsTests {

    @Test
    void shouldNameTheScopesOfEveryOperation() throws Exception {
        List<String> unscoped = new ArrayList<>();
        for (Class<?> resource : resourceClasses()) {
            for (Method method : resource.getDeclaredMethods()) {
                boolean operation = Stream.of(GET.class, POST.class, PUT.class, PATCH.class, DELETE.class)
                        .anyMatch(method::isAnnotationPresent);
                boolean scoped = method.isAnnotationPresent(RolesAllowed.class)
                        || method.isAnnotationPresent(PermitAll.class)
                        || resource.isAnnotationPresent(RolesAllowed.class);
                if (operation && !scoped) {
                    unscoped.add(resource.getSimpleName() + "." + method.getName());
                }
            }
        }
        assertThat(unscoped).as("resource methods without @RolesAllowed or @PermitAll").isEmpty();
        assertThat(
                ConfigProvider.getConfig().getValue("quarkus.security.jaxrs.deny-unannotated-endpoints", Boolean.class))
                        .isTrue();
    }

    /** The service's own classes annotated {@code @Path}, read from its compiled output. */
    private static List<Class<?>> resourceClasses() throws IOException, ClassNotFoundException {
        Path root = Path.of("target/classes");
        List<Class<?>> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class") && !f.toString().contains("$"))
                    .toList()) {
                String name = root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, ScopedOperationsTests.class.getClassLoader());
                if (type.isAnnotationPresent(jakarta.ws.rs.Path.class)) {
                    found.add(type);
                }
            }
        }
        assertThat(found).as("resource classes found").hasSizeGreaterThan(5);
        return found;
    }
}
