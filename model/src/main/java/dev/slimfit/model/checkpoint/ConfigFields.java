package dev.slimfit.model.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Locale;

/**
 * Typed reads of config.json fields: a missing required field or a value of the wrong type is a
 * {@link CheckpointFormatException} naming the file and the field. JSON null counts as absent, as in Python.
 */
final class ConfigFields {

    /** Longest excerpt of a value quoted in a message: a huge value must not make a huge message. */
    private static final int MAX_QUOTED_CHARS = 60;

    private final String source;
    private final JsonNode root;

    ConfigFields(String source, JsonNode root) {
        this.source = source;
        this.root = root;
    }

    String source() {
        return source;
    }

    boolean has(String field) {
        JsonNode node = root.get(field);
        return node != null && !node.isNull();
    }

    JsonNode node(String field) {
        return root.get(field);
    }

    CheckpointFormatException error(String field, String problem) {
        return CheckpointFormatException.field(source, field, problem);
    }

    int requiredInt(String field) throws CheckpointFormatException {
        if (!has(field)) {
            throw error(field, "is missing");
        }
        return asInt(field, root.get(field));
    }

    int optionalInt(String field, int fallback) throws CheckpointFormatException {
        return has(field) ? asInt(field, root.get(field)) : fallback;
    }

    double optionalNumber(String field, double fallback) throws CheckpointFormatException {
        if (!has(field)) {
            return fallback;
        }
        JsonNode node = root.get(field);
        if (!node.isNumber()) {
            throw error(field, "must be a number, found " + describe(node));
        }
        return node.doubleValue();
    }

    String optionalString(String field, String fallback) throws CheckpointFormatException {
        if (!has(field)) {
            return fallback;
        }
        JsonNode node = root.get(field);
        if (!node.isTextual()) {
            throw error(field, "must be a string, found " + describe(node));
        }
        return node.textValue();
    }

    boolean optionalBoolean(String field, boolean fallback) throws CheckpointFormatException {
        if (!has(field)) {
            return fallback;
        }
        JsonNode node = root.get(field);
        if (!node.isBoolean()) {
            throw error(field, "must be true or false, found " + describe(node));
        }
        return node.booleanValue();
    }

    int asInt(String field, JsonNode node) throws CheckpointFormatException {
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw error(field, "must be an integer (32-bit), found " + describe(node));
        }
        return node.intValue();
    }

    static String describe(JsonNode node) {
        String text = node.toString();
        String quoted = text.length() <= MAX_QUOTED_CHARS ? text : text.substring(0, MAX_QUOTED_CHARS) + "...";
        return node.getNodeType().name().toLowerCase(Locale.ROOT) + " " + quoted;
    }
}
