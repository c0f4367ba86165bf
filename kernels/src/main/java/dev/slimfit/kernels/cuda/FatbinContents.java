package dev.slimfit.kernels.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The images inside the kernels' fatbin, read from its container format without cuobjdump: a 16-byte header (magic
 * {@code 0xBA55ED50}, version, header size, payload size) followed by entries, each with its own header (kind 1 = PTX
 * text, 2 = ELF machine code; payload size at byte 8; target architecture at byte 28) and payload. The build writes the
 * fatbin uncompressed, so kernel names and PTX parameter lists can be read directly: the availability message lists
 * the architectures, and the tests check the Java launchers' kernel list against every image.
 */
public record FatbinContents(List<Image> images) {

    /** Classpath location of the fatbin that native/build-fatbin.sh produces. */
    public static final String RESOURCE = "/dev/slimfit/kernels/cuda/slimfit_kernels.fatbin";

    private static final int MAGIC = 0xBA55ED50;
    private static final int ENTRY_PTX = 1;
    private static final int ENTRY_ELF = 2;
    private static final int ENTRY_SIZE_OFFSET = 8;
    private static final int ENTRY_ARCH_OFFSET = 28;
    private static final Pattern PTX_ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\((.*?)\\)", Pattern.DOTALL);
    private static final Pattern PTX_PARAMETER = Pattern.compile(
            "\\.param\\s+(?:\\.align\\s+\\d+\\s+)?\\.(\\w+)\\s+\\w+(\\[\\d+\\])?");

    /** One image: PTX for a virtual architecture or machine code (ELF) for a real one. */
    public record Image(boolean ptx, int architecture, byte[] payload) {

        /** {@code sm_90} for machine code, {@code compute_90} for PTX. */
        public String label() {
            return (ptx ? "compute_" : "sm_") + architecture;
        }

        /** The text of a PTX image. */
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /**
         * The kernels a PTX image defines, each with its parameter types in order ({@code u64}, {@code u32},
         * {@code f32}, {@code f64}, {@code b8[200]}, as {@link ArgumentType#ptxType()} spells them).
         */
        public Map<String, List<String>> ptxKernels() {
            Map<String, List<String>> kernels = new LinkedHashMap<>();
            Matcher entry = PTX_ENTRY.matcher(text());
            while (entry.find()) {
                List<String> types = new ArrayList<>();
                Matcher parameter = PTX_PARAMETER.matcher(entry.group(2));
                while (parameter.find()) {
                    types.add(parameter.group(1) + (parameter.group(2) == null ? "" : parameter.group(2)));
                }
                kernels.put(entry.group(1), types);
            }
            return kernels;
        }

        /** Whether a machine-code image has a symbol of this name (its string table holds the name, NUL-terminated). */
        public boolean hasSymbol(String name) {
            byte[] needle = ("\0" + name + "\0").getBytes(StandardCharsets.US_ASCII);
            outer:
            for (int i = 0; i + needle.length <= payload.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (payload[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        }
    }

    /** The fatbin on the classpath, or null when the kernels were not built. */
    public static byte[] readResource() {
        try (InputStream in = FatbinContents.class.getResourceAsStream(RESOURCE)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + RESOURCE, e);
        }
    }

    /** Parses a fatbin container; throws IllegalArgumentException for anything that is not one. */
    public static FatbinContents parse(byte[] fatbin) {
        ByteBuffer buffer = ByteBuffer.wrap(fatbin).order(ByteOrder.LITTLE_ENDIAN);
        if (fatbin.length < 16 || buffer.getInt(0) != MAGIC) {
            throw new IllegalArgumentException("not a fatbin: no 0xBA55ED50 magic at the start");
        }
        int headerSize = Short.toUnsignedInt(buffer.getShort(6));
        long payloadSize = buffer.getLong(8);
        long end = headerSize + payloadSize;
        if (end > fatbin.length) {
            throw new IllegalArgumentException("fatbin claims " + payloadSize + " bytes of entries but has "
                    + (fatbin.length - headerSize));
        }
        List<Image> images = new ArrayList<>();
        long offset = headerSize;
        while (offset < end) {
            int at = Math.toIntExact(offset);
            int kind = Short.toUnsignedInt(buffer.getShort(at));
            long entryHeader = Integer.toUnsignedLong(buffer.getInt(at + 4));
            long size = buffer.getLong(at + ENTRY_SIZE_OFFSET);
            int architecture = buffer.getInt(at + ENTRY_ARCH_OFFSET);
            long start = offset + entryHeader;
            if (entryHeader == 0 || start + size > end) {
                throw new IllegalArgumentException("fatbin entry at " + offset + " overruns the container");
            }
            if (kind == ENTRY_PTX || kind == ENTRY_ELF) {
                byte[] payload = new byte[Math.toIntExact(size)];
                System.arraycopy(fatbin, Math.toIntExact(start), payload, 0, payload.length);
                images.add(new Image(kind == ENTRY_PTX, architecture, payload));
            }
            offset = start + size;
        }
        return new FatbinContents(List.copyOf(images));
    }

    /** e.g. {@code sm_80, sm_90, compute_90}. */
    public String describe() {
        return String.join(", ", images.stream().map(Image::label).toList());
    }
}
