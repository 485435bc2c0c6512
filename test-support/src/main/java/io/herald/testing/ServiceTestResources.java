package io.herald.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.quarkus.test.common.QuarkusTestResource;

/**
 * The test resources of an API service (ingest, subscription): the in-JVM Kafka broker, PostgreSQL, and the HS256 test
 * tokens. Put it on every {@code @QuarkusTest} class of such a module: Quarkus reads resources from a meta-annotation
 * only for the classes that carry it, and a class without it would restart the application without them.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = TestTokens.class, restrictToAnnotatedClass = false)
public @interface ServiceTestResources {
}
