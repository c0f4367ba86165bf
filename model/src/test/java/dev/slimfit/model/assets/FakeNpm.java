package dev.slimfit.model.assets;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * A stand-in for the npm client in fetcher tests: a shell script that behaves like {@code npm pack spec --json
 * --pack-destination dir} (copies a tarball the test built, prints the JSON report), counting its runs.
 */
final class FakeNpm {

    private final Path script;
    private final Path runCount;

    private FakeNpm(Path script, Path runCount) {
        this.script = script;
        this.runCount = runCount;
    }

    /**
     * @param dir        where the script and its files go
     * @param tarball    the .tgz it hands out
     * @param integrity  what it reports as the tarball's integrity
     * @param delaySeconds how long it takes (to make concurrent fetches overlap)
     */
    static FakeNpm serving(Path dir, Path tarball, String integrity, double delaySeconds) throws IOException {
        Path runs = dir.resolve("npm-runs.log");
        String body = "#!/bin/sh\n"
                + "echo run >> '" + runs + "'\n"
                + "sleep " + delaySeconds + "\n"
                + "for last; do :; done\n" // the last argument is the --pack-destination folder
                + "cp '" + tarball + "' \"$last/fake-1.0.0.tgz\"\n"
                + "echo '[{\"id\": \"fake@1.0.0\", \"filename\": \"fake-1.0.0.tgz\", \"integrity\": \"" + integrity
                + "\"}]'\n";
        return new FakeNpm(write(dir.resolve("npm"), body), runs);
    }

    /** An npm that fails as it does without network access. */
    static FakeNpm failing(Path dir) throws IOException {
        String body = "#!/bin/sh\n"
                + "echo 'npm error code ENOTFOUND' >&2\n"
                + "echo 'npm error network request to the registry failed' >&2\n"
                + "exit 1\n";
        return new FakeNpm(write(dir.resolve("npm"), body), dir.resolve("npm-runs.log"));
    }

    String command() {
        return script.toString();
    }

    int runs() throws IOException {
        return Files.exists(runCount) ? Files.readAllLines(runCount).size() : 0;
    }

    /** A gzip tar with these entries (name → content); a content of {@code null} makes a symbolic link. */
    static Path tarball(Path file, Map<String, String> entries) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file));
             TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, String> entry : entries.entrySet()) {
                if (entry.getValue() == null) {
                    TarArchiveEntry link = new TarArchiveEntry(entry.getKey(), TarConstants.LF_SYMLINK);
                    link.setLinkName("/etc/passwd");
                    tar.putArchiveEntry(link);
                } else {
                    byte[] content = entry.getValue().getBytes(StandardCharsets.UTF_8);
                    TarArchiveEntry file1 = new TarArchiveEntry(entry.getKey());
                    file1.setSize(content.length);
                    tar.putArchiveEntry(file1);
                    tar.write(content);
                }
                tar.closeArchiveEntry();
            }
        }
        return file;
    }

    /** The "sha512-base64" integrity string of a file. */
    static String integrity(Path file) throws IOException {
        try {
            return "sha512-" + Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-512").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path write(Path file, String body) throws IOException {
        Files.writeString(file, body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }
}
