package dev.slimfit.model.assets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds the files of a Debian package, without needing root: where the package is installed (under the system
 * root), else in the cache, else it downloads the package with {@code apt-get download} (which any user may run;
 * it uses the machine's apt sources) and unpacks it with {@code dpkg-deb -x} into
 * {@code <cache>/debian/<package>/}, which then mirrors the package's paths ({@code usr/share/...}).
 *
 * <p>Two processes may fetch at once: each unpacks into its own temporary folder and publishes it with one atomic
 * rename, so a cache folder, once it exists, is complete. Every failure is an {@link AssetUnavailableException}
 * that says what to run by hand.
 */
public final class DebianPackageFetcher {

    /** A download of tens of megabytes on a slow mirror; a hung apt-get is stopped after this. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(10);

    private final Path systemRoot;
    private final Path folder;
    private final String aptGet;
    private final String dpkgDeb;

    /** Looks under "/" and in {@code <cache>/debian}, with apt-get and dpkg-deb from the PATH. */
    public DebianPackageFetcher() {
        this(Path.of("/"), CacheDirectory.resolve().resolve("debian"), "apt-get", "dpkg-deb");
    }

    /**
     * @param systemRoot where installed packages' paths start ("/" on a real system)
     * @param folder     the cache folder, one sub-folder per package
     * @param aptGet     the apt-get command
     * @param dpkgDeb    the dpkg-deb command
     */
    public DebianPackageFetcher(Path systemRoot, Path folder, String aptGet, String dpkgDeb) {
        this.systemRoot = systemRoot;
        this.folder = folder.toAbsolutePath().normalize();
        this.aptGet = aptGet;
        this.dpkgDeb = dpkgDeb;
    }

    /** The folder the package is (or will be) unpacked into. */
    public Path packageFolder(String packageName) {
        return folder.resolve(requireName(packageName));
    }

    /**
     * The folder holding {@code directory} (a path inside the package, like {@code usr/share/datasets/x}) with every
     * file of {@code expectedFiles} in it: the installed one, else the cached one, fetching the package if needed.
     */
    public Path locate(String packageName, String directory, List<String> expectedFiles)
            throws AssetUnavailableException {
        Path installed = systemRoot.resolve(directory);
        if (holdsAll(installed, expectedFiles)) {
            return installed;
        }
        Path cached = packageFolder(packageName).resolve(directory);
        if (!Files.isDirectory(packageFolder(packageName))) {
            fetch(packageName);
        }
        if (!holdsAll(cached, expectedFiles)) {
            throw new AssetUnavailableException("Debian package " + packageName + " was unpacked into "
                    + packageFolder(packageName) + " but " + cached + " lacks some of " + expectedFiles
                    + "; delete that folder to fetch it again, or install the package: " + manual(packageName));
        }
        return cached;
    }

    private static boolean holdsAll(Path directory, List<String> files) {
        for (String file : files) {
            if (!Files.isRegularFile(directory.resolve(file))) {
                return false;
            }
        }
        return true;
    }

    private void fetch(String packageName) throws AssetUnavailableException {
        Path work = null;
        try {
            Files.createDirectories(folder);
            work = Files.createTempDirectory(folder, ".fetch-" + packageName + "-");
            run(List.of(aptGet, "download", packageName), work, packageName, "download it");
            Path deb;
            try (Stream<Path> files = Files.list(work)) {
                List<Path> debs = files.filter(f -> f.getFileName().toString().endsWith(".deb")).toList();
                if (debs.size() != 1) {
                    throw new AssetUnavailableException("Debian package " + packageName + ": 'apt-get download' left "
                            + debs.size() + " .deb files in " + work + ", expected one. " + manual(packageName));
                }
                deb = debs.getFirst();
            }
            Path unpacked = work.resolve("root");
            run(List.of(dpkgDeb, "-x", deb.toString(), unpacked.toString()), work, packageName, "unpack it");
            CacheFolders.publish(unpacked, packageFolder(packageName));
        } catch (AssetUnavailableException e) {
            throw e;
        } catch (IOException e) {
            throw new AssetUnavailableException("Debian package " + packageName + ": could not write the cache folder "
                    + folder + ": " + e + ". " + manual(packageName), e);
        } finally {
            if (work != null) {
                CacheFolders.deleteQuietly(work);
            }
        }
    }

    private void run(List<String> command, Path work, String packageName, String purpose) throws IOException {
        Path log = work.resolve("command.log");
        Process process;
        try {
            process = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new AssetUnavailableException("Debian package " + packageName + " is neither installed nor cached, "
                    + "and '" + command.getFirst() + "' could not be started to " + purpose + " (" + e.getMessage()
                    + "). " + manual(packageName), e);
        }
        try {
            if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssetUnavailableException("Debian package " + packageName + ": '" + String.join(" ", command)
                        + "' did not finish in " + COMMAND_TIMEOUT.toMinutes() + " minutes. " + manual(packageName));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssetUnavailableException("Debian package " + packageName + ": interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw new AssetUnavailableException("Debian package " + packageName + ": '" + String.join(" ", command)
                    + "' failed with exit code " + process.exitValue() + " while trying to " + purpose + ":\n"
                    + CacheFolders.tail(log) + "\n" + manual(packageName));
        }
    }

    /** What a person can run instead. */
    private String manual(String packageName) {
        Path target = packageFolder(packageName);
        return "To get it, either install it (as root: apt-get update && apt-get install " + packageName
                + "), or, as any user with apt sources set up: cd \"$(mktemp -d)\" && apt-get download " + packageName
                + " && dpkg-deb -x " + packageName + "_*.deb " + target;
    }

    private static String requireName(String packageName) {
        if (packageName == null || !packageName.matches("[a-z0-9][a-z0-9+.-]+")) {
            throw new IllegalArgumentException("not a Debian package name: '" + packageName + "'");
        }
        return packageName;
    }
}
