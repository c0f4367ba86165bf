package dev.slimfit.model.checkpoint;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Writes a file so that its final name only ever holds a complete file: the content goes to a temporary file in the
 * same folder (same file system, so the rename is atomic), is forced to disk, and then renamed over the target. A
 * failure (or a crash) at any point leaves the previous file, if any, untouched; the temporary file is removed on
 * failure (after a crash, a {@code .partial} file may remain beside it, never under the final name). The rename
 * itself is not forced to disk: after a power loss the folder may still show the previous file, complete.
 */
public final class AtomicFile {

    /** Suffix of the temporary file, so that leftovers of a crash are recognisable. */
    public static final String PARTIAL_SUFFIX = ".partial";

    /** What writes the content. */
    @FunctionalInterface
    public interface Content {
        void writeTo(FileChannel channel) throws IOException;
    }

    private AtomicFile() {
    }

    public static void write(Path target, Content content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path folder = absolute.getParent();
        Files.createDirectories(folder);
        // not Files.createTempFile: its owner-only permissions would stay on the checkpoint after the rename
        Path partial = folder.resolve("." + absolute.getFileName() + "." + UUID.randomUUID() + PARTIAL_SUFFIX);
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                content.writeTo(channel);
                channel.force(true);
            }
            try {
                Files.move(partial, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot write " + absolute + " atomically: the file system of " + folder
                        + " has no atomic rename", e);
            }
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(partial);
            }
        }
    }
}
