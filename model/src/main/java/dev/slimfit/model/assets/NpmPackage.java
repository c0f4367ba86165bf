package dev.slimfit.model.assets;

import java.util.regex.Pattern;

/**
 * One exact version of an npm package, optionally with the integrity hash its tarball must have (the registry's
 * {@code dist.integrity}, e.g. "sha512-...").
 *
 * <p>Only exact versions are accepted: a range could resolve differently tomorrow, and the cache folder is named
 * after the version.
 *
 * @param name              package name, lowercase, optionally scoped ({@code @scope/name})
 * @param version           exact semantic version
 * @param expectedIntegrity Subresource Integrity string the tarball must match, or {@code null} to trust npm's
 */
public record NpmPackage(String name, String version, String expectedIntegrity) {

    private static final Pattern NAME = Pattern.compile("(@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*");
    private static final Pattern EXACT_VERSION =
            Pattern.compile("\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?");
    /** npm's own limit on package names. */
    private static final int MAX_NAME_LENGTH = 214;

    public NpmPackage {
        if (name == null || name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not an npm package name: '" + name + "'");
        }
        if (version == null || !EXACT_VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("npm package " + name + ": '" + version
                    + "' is not an exact version (like 1.0.0)");
        }
    }

    public NpmPackage(String name, String version) {
        this(name, version, null);
    }

    /** {@code name@version}, as npm takes it. */
    public String spec() {
        return name + "@" + version;
    }

    /** The cache folder's name: the spec with the scope's '/' replaced, so that it is one path element. */
    String folderName() {
        return spec().replace('/', '+');
    }
}
