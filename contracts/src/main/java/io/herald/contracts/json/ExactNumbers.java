package io.herald.contracts.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.module.SimpleModule;

/** The Jackson module that makes JSON trees keep their numbers' exact text ({@link ExactTreeDeserializer}). */
public final class ExactNumbers {

    private ExactNumbers() {
    }

    public static Module module() {
        SimpleModule module = new SimpleModule("herald-exact-numbers");
        module.addDeserializer(JsonNode.class, new ExactTreeDeserializer());
        return module;
    }
}
