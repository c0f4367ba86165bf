package dev.slimfit.train.data.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimfit.model.assets.AssetUnavailableException;
import dev.slimfit.model.assets.DebianPackageFetcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package locator with stand-in apt-get and dpkg-deb scripts (the fetch, the cache, the failure
 * message), and the real Fashion-MNIST package fetched without root.
 */
class FashionMnistTest {

    private static final String PACKAGE = "dataset-example";
    private static final String DIRECTORY = "usr/share/datasets/example";

    @TempDir
    Path work;

    @Test
    void aMissingPackageIsDownloadedUnpackedIntoTheCacheOnceAndThenFoundThere() throws IOException {
        Path log = work.resolve("calls.log");
        Path aptGet = script("apt-get", "echo apt-get \"$@\" >> " + log + "\ntouch " + PACKAGE + "_1.0_all.deb");
        Path dpkgDeb = script("dpkg-deb", "echo dpkg-deb \"$1\" >> " + log + "\nmkdir -p \"$3/" + DIRECTORY
                + "\" && echo data > \"$3/" + DIRECTORY + "/a.bin\"");
        DebianPackageFetcher fetcher = new DebianPackageFetcher(work.resolve("system"), work.resolve("cache"),
                aptGet.toString(), dpkgDeb.toString());

        Path found = fetcher.locate(PACKAGE, DIRECTORY, List.of("a.bin"));
        assertEquals(work.resolve("cache").resolve(PACKAGE).resolve(DIRECTORY), found);
        assertEquals("data\n", Files.readString(found.resolve("a.bin")));
        assertEquals(fetcher.locate(PACKAGE, DIRECTORY, List.of("a.bin")), found);
        assertEquals(List.of("apt-get download " + PACKAGE, "dpkg-deb -x"), Files.readAllLines(log),
                "fetched once, then served from the cache");
        try (var leftovers = Files.list(work.resolve("cache"))) {
            assertEquals(List.of(work.resolve("cache").resolve(PACKAGE)), leftovers.toList(), "no temporary folder");
        }

        Path installed = Files.createDirectories(work.resolve("system").resolve(DIRECTORY));
        Files.writeString(installed.resolve("a.bin"), "installed");
        assertEquals(installed, fetcher.locate(PACKAGE, DIRECTORY, List.of("a.bin")), "an installed package wins");
    }

    @Test
    void aFailedDownloadSaysWhatToRun() throws IOException {
        Path aptGet = script("apt-get", "echo \"E: Unable to locate package $2\" >&2\nexit 100");
        DebianPackageFetcher fetcher = new DebianPackageFetcher(work.resolve("system"), work.resolve("cache"),
                aptGet.toString(), "dpkg-deb");
        AssetUnavailableException error = assertThrows(AssetUnavailableException.class,
                () -> fetcher.locate(PACKAGE, DIRECTORY, List.of("a.bin")));
        assertTrue(error.getMessage().contains("failed with exit code 100")
                && error.getMessage().contains("E: Unable to locate package " + PACKAGE)
                && error.getMessage().contains("apt-get install " + PACKAGE)
                && error.getMessage().contains("apt-get download " + PACKAGE + " && dpkg-deb -x"), error.getMessage());
        assertTrue(!Files.exists(work.resolve("cache").resolve(PACKAGE)), "nothing half-fetched is left");

        DebianPackageFetcher noApt = new DebianPackageFetcher(work.resolve("system"), work.resolve("cache"),
                work.resolve("no-such-apt-get").toString(), "dpkg-deb");
        AssetUnavailableException notStarted = assertThrows(AssetUnavailableException.class,
                () -> noApt.locate(PACKAGE, DIRECTORY, List.of("a.bin")));
        assertTrue(notStarted.getMessage().contains("could not be started"), notStarted.getMessage());
    }

    @Test
    void theRealFashionMnistPackageHoldsSixtyAndTenThousandImagesOfTenBalancedClasses() throws IOException {
        ImageDataset train = FashionMnist.load(true);
        ImageDataset test = FashionMnist.load(false);
        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        assertEquals(28, train.height());
        assertEquals(28, train.width());
        assertEquals(FashionMnist.CLASSES, train.classes());
        for (int c = 0; c < 10; c++) {
            assertEquals(6_000, train.classCounts()[c], "class " + c);
            assertEquals(1_000, test.classCounts()[c], "class " + c);
        }
    }

    private Path script(String name, String body) throws IOException {
        Path file = work.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }
}
