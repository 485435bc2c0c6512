package io.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationTarget;
import org.jboss.jandex.AnnotationValue;
import org.jboss.jandex.DotName;
import org.jboss.jandex.Index;
import org.jboss.jandex.Indexer;

import io.smallrye.config.ConfigMappings;

/**
 * Which configuration keys a service reads, found from the service itself rather than from a list kept by hand:
 * <ul>
 * <li>every property of every {@code @ConfigMapping} interface in the service's classes (and in service-kit's when the
 * service depends on it), enumerated by SmallRye Config's own {@code ConfigMappings.getProperties} — so nested groups,
 * {@code @WithName} and defaults count exactly as at run time;</li>
 * <li>every {@code @ConfigProperty(name = ...)} injection point;</li>
 * <li>every key of its {@code application.properties} (default and {@code %prod} profile) and every {@code ${VAR}}
 * those properties expand.</li>
 * </ul>
 * The classes are read with Jandex from the service's jar (or classes directory) that Maven resolved for this module
 * (in a reactor build: the jar just packaged), falling back to the service's {@code target/classes} when that artifact
 * is empty or stale (an old snapshot in the local repository); classes older than the sources fail the check. They are
 * loaded child-first, so the classes read are the classes inspected. application.properties is read from the source
 * tree.
 */
final class ServiceConfiguration {

    private static final DotName CONFIG_MAPPING = DotName.createSimple("io.smallrye.config.ConfigMapping");
    private static final DotName CONFIG_PROPERTY = DotName
            .createSimple("org.eclipse.microprofile.config.inject.ConfigProperty");
    private static final Pattern EXPANSION = Pattern.compile("\\$\\{([A-Za-z0-9_.\\-]+)(?::[^}]*)?}");

    /** A key the service reads; {@code *} stands for a name the user chooses (map keys, list indexes). */
    record Key(String name, String source) {

        boolean isPattern() {
            return name.contains("*");
        }

        /** The environment variable that sets this key (MicroProfile Config: non-alphanumerics to '_', upper case). */
        String envName() {
            return toEnvName(name);
        }

        /** Matches the environment variables that set this key (for map keys: any name in place of '*'). */
        Pattern envPattern() {
            StringBuilder regex = new StringBuilder();
            for (String part : envName().split("\\*", -1)) {
                if (!regex.isEmpty()) {
                    regex.append("[A-Z0-9_]+");
                }
                regex.append(Pattern.quote(part));
            }
            return Pattern.compile(regex.toString());
        }
    }

    final String component;
    final Properties properties = new Properties();
    final Set<String> profileKeys = new TreeSet<>();
    final List<Key> mappingKeys = new ArrayList<>();
    final List<Key> injectedKeys = new ArrayList<>();
    final Set<String> expandedEnvVars = new TreeSet<>();
    /** Defaults of mapping properties ({@code @WithDefault}), by key. */
    final java.util.Map<String, String> mappingDefaults = new java.util.TreeMap<>();

    private static final Map<String, ServiceConfiguration> READ = new ConcurrentHashMap<>();

    private ServiceConfiguration(String component) {
        this.component = component;
    }

    static String toEnvName(String key) {
        return key.replace("[*]", "_*_").replaceAll("[^A-Za-z0-9*]", "_").toUpperCase();
    }

    /** Each service's configuration, read once per JVM: reading indexes the service's jar. */
    static ServiceConfiguration of(String component) {
        return READ.computeIfAbsent(component, ServiceConfiguration::read);
    }

    private static ServiceConfiguration read(String component) {
        ServiceConfiguration config = new ServiceConfiguration(component);
        config.readProperties(Repo.ROOT.resolve(component + "-service/src/main/resources/application.properties"));
        config.readAnnotations("herald.service." + component, component + "-service");
        if (dependsOnServiceKit(component)) {
            config.readAnnotations("herald.service-kit", "service-kit");
        }
        assertThat(config.mappingKeys).as("@ConfigMapping properties of " + component).isNotEmpty();
        return config;
    }

    /**
     * The value the service runs with in production when nothing is set: application.properties (no profile, or %prod)
     * wins over the mapping's {@code @WithDefault}; null when neither gives one.
     */
    String productionDefault(String key) {
        String prod = properties.getProperty("%prod." + key);
        if (prod != null) {
            return prod;
        }
        String plain = properties.getProperty(key);
        return plain != null ? plain : mappingDefaults.get(key);
    }

    /** Keys of application.properties that apply in production (no profile, or %prod), profile prefix removed. */
    Set<String> productionPropertyKeys() {
        Set<String> keys = new TreeSet<>();
        for (String key : properties.stringPropertyNames()) {
            if (!key.startsWith("%")) {
                keys.add(key);
            } else if (key.startsWith("%prod.")) {
                keys.add(key.substring("%prod.".length()));
            }
        }
        return keys;
    }

    private void readProperties(Path file) {
        String text = Repo.read(file);
        try {
            properties.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith("%") && !key.startsWith("%prod.")) {
                profileKeys.add(key);
                continue;
            }
            Matcher matcher = EXPANSION.matcher(properties.getProperty(key));
            while (matcher.find()) {
                String name = matcher.group(1);
                // ${UPPER_CASE} names an environment variable; ${a.b} refers to another property.
                if (name.equals(name.toUpperCase())) {
                    expandedEnvVars.add(name);
                }
            }
        }
    }

    /**
     * Reads the module's annotations from the first current copy of its classes: the artifact Maven resolved (named by
     * a system property), else the module's target/classes. A copy lacking a class its sources annotate with
     * {@code @ConfigMapping} is stale and skipped, so the check never passes on old classes.
     */
    private void readAnnotations(String property, String module) {
        List<String> expected = sourceMappings(module);
        List<Path> candidates = new ArrayList<>();
        String resolved = System.getProperty(property);
        if (resolved != null && !resolved.isBlank() && !resolved.contains("${")) {
            candidates.add(Path.of(resolved));
        }
        candidates.add(Repo.ROOT.resolve(module + "/target/classes"));
        for (Path artifact : candidates) {
            if (hasClasses(artifact)) {
                Index index = index(artifact);
                if (expected.stream().allMatch(c -> index.getClassByName(DotName.createSimple(c)) != null
                        && !newerThan(sourceFile(module, c), classFile(artifact, c)))) {
                    readAnnotations(artifact, index);
                    return;
                }
            }
        }
        throw new AssertionError("No current classes of " + module + " in " + candidates + " (sources declare "
                + expected + "): build " + module + " first; a reactor build always does");
    }

    private void readAnnotations(Path artifact, Index index) {
        for (AnnotationInstance mapping : index.getAnnotations(CONFIG_MAPPING)) {
            if (mapping.target().kind() != AnnotationTarget.Kind.CLASS) {
                continue;
            }
            String className = mapping.target().asClass().name().toString();
            AnnotationValue prefix = mapping.value("prefix");
            Class<?> type;
            try {
                type = Class.forName(className, false, loader(artifact));
            } catch (ClassNotFoundException e) {
                throw new AssertionError("Cannot load " + className + " from " + artifact, e);
            }
            ConfigMappings
                    .getProperties(
                            ConfigMappings.ConfigClass.configClass(type, prefix == null ? "" : prefix.asString()))
                    .keySet().forEach(key -> mappingKeys.add(new Key(key, className)));
        }
        for (AnnotationInstance property : index.getAnnotations(CONFIG_PROPERTY)) {
            AnnotationValue name = property.value("name");
            if (name != null && !name.asString().isEmpty()) {
                injectedKeys.add(new Key(name.asString(), property.target().toString()));
            }
        }
    }

    private static Index index(Path artifact) {
        Indexer indexer = new Indexer();
        try {
            if (Files.isDirectory(artifact)) {
                try (Stream<Path> files = Files.walk(artifact)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                        try (InputStream in = Files.newInputStream(file)) {
                            indexer.index(in);
                        }
                    }
                }
            } else {
                try (JarFile jar = new JarFile(artifact.toFile())) {
                    Enumeration<JarEntry> entries = jar.entries();
                    while (entries.hasMoreElements()) {
                        JarEntry entry = entries.nextElement();
                        if (entry.getName().endsWith(".class") && !entry.getName().startsWith("META-INF/")) {
                            try (InputStream in = jar.getInputStream(entry)) {
                                indexer.index(in);
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return indexer.complete();
    }

    private static Path sourceFile(String module, String className) {
        return Repo.ROOT.resolve(module + "/src/main/java/" + className.replace('.', '/') + ".java");
    }

    /** The class file in a classes directory, or the jar itself. */
    private static Path classFile(Path artifact, String className) {
        return Files.isDirectory(artifact) ? artifact.resolve(className.replace('.', '/') + ".class") : artifact;
    }

    private static boolean newerThan(Path source, Path compiled) {
        try {
            return Files.getLastModifiedTime(source).compareTo(Files.getLastModifiedTime(compiled)) > 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Classes the module's sources annotate with @ConfigMapping, to tell a stale artifact from a current one. */
    private static List<String> sourceMappings(String module) {
        Path sources = Repo.ROOT.resolve(module + "/src/main/java");
        try (Stream<Path> files = Files.walk(sources)) {
            return files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> Repo.read(f).contains("@ConfigMapping("))
                    .map(f -> sources.relativize(f).toString().replace('/', '.').replaceAll("\\.java$", "")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean hasClasses(Path artifact) {
        try {
            if (Files.isDirectory(artifact)) {
                try (Stream<Path> files = Files.walk(artifact)) {
                    return files.anyMatch(f -> f.toString().endsWith(".class"));
                }
            }
            if (!Files.isRegularFile(artifact)) {
                return false;
            }
            try (JarFile jar = new JarFile(artifact.toFile())) {
                return jar.stream().anyMatch(e -> e.getName().endsWith(".class"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads Herald's classes from the artifact first, everything else from the test class path. */
    private ClassLoader loader(Path artifact) {
        try {
            return new URLClassLoader(new URL[] { artifact.toUri().toURL() }, getClass().getClassLoader()) {
                @Override
                protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                    synchronized (getClassLoadingLock(name)) {
                        Class<?> loaded = findLoadedClass(name);
                        if (loaded == null && name.startsWith("io.herald.")) {
                            try {
                                loaded = findClass(name);
                            } catch (ClassNotFoundException e) {
                                loaded = null;
                            }
                        }
                        return loaded != null ? loaded : super.loadClass(name, resolve);
                    }
                }
            };
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Whether the service's pom depends on service-kit outside the test scope. */
    private static boolean dependsOnServiceKit(String component) {
        String pom = Repo.read(Repo.ROOT.resolve(component + "-service/pom.xml"));
        Matcher dependency = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL).matcher(pom);
        while (dependency.find()) {
            String body = dependency.group(1);
            String own = body.contains("<exclusions>") ? body.substring(0, body.indexOf("<exclusions>")) : body;
            if (own.contains("<artifactId>service-kit</artifactId>") && !own.contains("<scope>test</scope>")) {
                return true;
            }
        }
        return false;
    }
}
