package dev.slimfit.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * Typed access to the fields of an untrusted JSON document: every missing or mistyped field becomes a
 * {@link TokenizerFileException} naming the file and the field's path (such as {@code model.vocab}).
 */
final class JsonFields {

    private final String source;

    JsonFields(String source) {
        this.source = source;
    }

    String source() {
        return source;
    }

    TokenizerFileException error(String path, String problem) {
        return TokenizerFileException.field(source, path, problem);
    }

    /** True when the field is absent or JSON null. */
    static boolean absent(JsonNode parent, String name) {
        JsonNode node = parent.get(name);
        return node == null || node.isNull();
    }

    JsonNode object(JsonNode parent, String name, String path) throws TokenizerFileException {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            throw error(path, "is missing");
        }
        if (!node.isObject()) {
            throw error(path, "must be an object, found " + describe(node));
        }
        return node;
    }

    JsonNode array(JsonNode parent, String name, String path) throws TokenizerFileException {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            throw error(path, "is missing");
        }
        if (!node.isArray()) {
            throw error(path, "must be an array, found " + describe(node));
        }
        return node;
    }

    String string(JsonNode parent, String name, String path) throws TokenizerFileException {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            throw error(path, "is missing");
        }
        return asString(node, path);
    }

    String string(JsonNode parent, String name, String path, String fallback) throws TokenizerFileException {
        return absent(parent, name) ? fallback : asString(parent.get(name), path);
    }

    String asString(JsonNode node, String path) throws TokenizerFileException {
        if (!node.isTextual()) {
            throw error(path, "must be a string, found " + describe(node));
        }
        return node.textValue();
    }

    boolean bool(JsonNode parent, String name, String path, boolean fallback) throws TokenizerFileException {
        if (absent(parent, name)) {
            return fallback;
        }
        JsonNode node = parent.get(name);
        if (!node.isBoolean()) {
            throw error(path, "must be true or false, found " + describe(node));
        }
        return node.booleanValue();
    }

    /** A boolean that may be null: {@code null} when absent or null. */
    Boolean nullableBool(JsonNode parent, String name, String path) throws TokenizerFileException {
        return absent(parent, name) ? null : bool(parent, name, path, false);
    }

    int nonNegativeInt(JsonNode parent, String name, String path) throws TokenizerFileException {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            throw error(path, "is missing");
        }
        return asNonNegativeInt(node, path);
    }

    int nonNegativeInt(JsonNode parent, String name, String path, int fallback) throws TokenizerFileException {
        return absent(parent, name) ? fallback : asNonNegativeInt(parent.get(name), path);
    }

    int asNonNegativeInt(JsonNode node, String path) throws TokenizerFileException {
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 0) {
            throw error(path, "must be an integer in 0.." + Integer.MAX_VALUE + ", found " + describe(node));
        }
        return node.intValue();
    }

    static String describe(JsonNode node) {
        String type = node.getNodeType().name().toLowerCase(Locale.ROOT);
        String text = node.isContainerNode() ? type : type + " " + node;
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}
