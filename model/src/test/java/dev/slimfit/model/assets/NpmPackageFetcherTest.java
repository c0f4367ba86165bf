package dev.slimfit.model.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The npm fetcher with a stand-in npm: caching, integrity, safe unpacking, concurrency and its error messages. */
class NpmPackageFetcherTest {

    private static final NpmPackage FAKE = new NpmPackage("fake", "1.0.0");

    @TempDir
    Path dir;

    @Test
    void aCachedPackageIsReturnedWithoutRunningNpm() throws IOException {
        Path cache = dir.resolve("cache");
        Path cached = Files.createDirectories(cache.resolve("fake@1.0.0").resolve("package"));
        Files.writeString(cached.resolve("data.json"), "[]");
        NpmPackageFetcher fetcher = new NpmPackageFetcher(cache, dir.resolve("no-such-npm").toString());
        assertEquals(cache.resolve("fake@1.0.0"), fetcher.fetch(FAKE));
    }

    @Test
    void fetchesVerifiesAndUnpacksOnceThenWorksOffline() throws IOException {
        Path tarball = FakeNpm.tarball(dir.resolve("fake.tgz"), Map.of("package/package.json", "{\"name\":\"fake\"}",
                "package/data/values.json", "[1, 2, 3]"));
        FakeNpm npm = FakeNpm.serving(dir, tarball, FakeNpm.integrity(tarball), 0);
        Path cache = dir.resolve("cache");
        Path folder = new NpmPackageFetcher(cache, npm.command()).fetch(
                new NpmPackage("fake", "1.0.0", FakeNpm.integrity(tarball)));
        assertEquals("[1, 2, 3]", Files.readString(folder.resolve("package/data/values.json")));
        assertEquals(1, npm.runs());
        assertEquals(List.of(folder), listing(cache), "no temporary folder is left behind");

        Path again = new NpmPackageFetcher(cache, npm.command()).fetch(FAKE);
        assertEquals(folder, again);
        assertEquals(1, npm.runs(), "the second fetch is served from the cache");
    }

    @Test
    void aTarballThatDoesNotMatchItsIntegrityIsRefused() throws IOException {
        Path tarball = FakeNpm.tarball(dir.resolve("fake.tgz"), Map.of("package/a.txt", "a"));
        Path other = FakeNpm.tarball(dir.resolve("other.tgz"), Map.of("package/b.txt", "b"));
        Path cache = dir.resolve("cache");

        FakeNpm lying = FakeNpm.serving(dir, tarball, FakeNpm.integrity(other), 0);
        AssetUnavailableException e = assertThrows(AssetUnavailableException.class,
                () -> new NpmPackageFetcher(cache, lying.command()).fetch(FAKE));
        assertTrue(e.getMessage().contains("npm reported integrity " + FakeNpm.integrity(other)), e.getMessage());

        FakeNpm honest = FakeNpm.serving(dir, tarball, FakeNpm.integrity(tarball), 0);
        NpmPackage pinnedToOther = new NpmPackage("fake", "1.0.0", FakeNpm.integrity(other));
        e = assertThrows(AssetUnavailableException.class,
                () -> new NpmPackageFetcher(cache, honest.command()).fetch(pinnedToOther));
        assertTrue(e.getMessage().contains("was expected; refusing to use it"), e.getMessage());
        assertEquals(List.of(), listing(cache), "nothing is cached from a refused tarball");
    }

    @Test
    void entriesLeavingTheFolderAndLinksAreRefused() throws IOException {
        Map<String, String> escaping = new LinkedHashMap<>();
        escaping.put("package/ok.txt", "fine");
        escaping.put("package/../../escaped.txt", "outside");
        Map<String, String> linking = new LinkedHashMap<>();
        linking.put("package/link", null);
        for (Map<String, String> entries : List.of(escaping, linking)) {
            Path work = Files.createTempDirectory(dir, "case");
            Path tarball = FakeNpm.tarball(work.resolve("evil.tgz"), entries);
            FakeNpm npm = FakeNpm.serving(work, tarball, FakeNpm.integrity(tarball), 0);
            Path cache = work.resolve("cache");
            AssetUnavailableException e = assertThrows(AssetUnavailableException.class,
                    () -> new NpmPackageFetcher(cache, npm.command()).fetch(FAKE));
            assertTrue(e.getMessage().contains("points outside the extraction folder")
                    || e.getMessage().contains("is a link, which is refused"), e.getMessage());
            assertEquals(List.of(), listing(cache), "nothing is cached from a refused tarball");
            assertFalse(Files.exists(work.resolve("escaped.txt")));
            assertFalse(Files.exists(cache.getParent().resolve("escaped.txt")));
        }
    }

    @Test
    void missingOrFailingNpmGivesOneMessageSayingWhatToDo() throws IOException {
        Path cache = dir.resolve("cache");
        AssetUnavailableException missing = assertThrows(AssetUnavailableException.class,
                () -> new NpmPackageFetcher(cache, dir.resolve("no-such-npm").toString()).fetch(FAKE));
        assertTrue(missing.getMessage().contains("npm could not be started"), missing.getMessage());
        assertTrue(missing.getMessage().contains("apt-get install npm"), missing.getMessage());
        assertTrue(missing.getMessage().contains("npm pack fake@1.0.0"), missing.getMessage());

        FakeNpm failing = FakeNpm.failing(dir);
        AssetUnavailableException failed = assertThrows(AssetUnavailableException.class,
                () -> new NpmPackageFetcher(cache, failing.command()).fetch(FAKE));
        assertTrue(failed.getMessage().contains("failed with exit code 1"), failed.getMessage());
        assertTrue(failed.getMessage().contains("npm error network request to the registry failed"),
                failed.getMessage());
        assertEquals(List.of(), listing(cache));
    }

    /** Several fetchers at once (as several processes would): all get the same complete folder, npm may run more. */
    @Test
    void concurrentFetchesAllGetOneCompleteFolder() throws Exception {
        Path tarball = FakeNpm.tarball(dir.resolve("fake.tgz"), Map.of("package/data.json", "[42]"));
        FakeNpm npm = FakeNpm.serving(dir, tarball, FakeNpm.integrity(tarball), 0.3);
        Path cache = dir.resolve("cache");
        int fetchers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(fetchers);
        try {
            Callable<Path> fetch = () -> new NpmPackageFetcher(cache, npm.command()).fetch(FAKE);
            List<Future<Path>> results = pool.invokeAll(java.util.Collections.nCopies(fetchers, fetch));
            for (Future<Path> result : results) {
                Path folder = result.get();
                assertEquals(cache.resolve("fake@1.0.0"), folder);
                assertEquals("[42]", Files.readString(folder.resolve("package/data.json")));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(cache.resolve("fake@1.0.0")), listing(cache), "no temporary folder is left behind");
        assertTrue(npm.runs() >= 1);
    }

    @Test
    void packageNamesAndVersionsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new NpmPackage("--registry=evil", "1.0.0"));
        assertThrows(IllegalArgumentException.class, () -> new NpmPackage("../up", "1.0.0"));
        assertThrows(IllegalArgumentException.class, () -> new NpmPackage("Upper", "1.0.0"));
        assertThrows(IllegalArgumentException.class, () -> new NpmPackage("fine", "^1.0.0"));
        assertThrows(IllegalArgumentException.class, () -> new NpmPackage("fine", "latest"));
        assertEquals("@scope+name@2.1.0-beta.1", new NpmPackage("@scope/name", "2.1.0-beta.1").folderName());
    }

    private static List<Path> listing(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.sorted().toList();
        }
    }
}
