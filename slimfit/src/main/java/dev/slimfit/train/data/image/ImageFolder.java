package dev.slimfit.train.data.image;

import dev.slimfit.train.data.DataFileException;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * A folder with one sub-folder per class, holding that class's images (PNG, JPEG, BMP or GIF, read with
 * javax.imageio), like torchvision's ImageFolder: classes are the sub-folders in name order, images are taken in
 * file-name order, other files (and hidden ones) are ignored. Every image is converted to RGB and resized to
 * {@code side × side} ({@link Resampler}) as it is read, so that images of any size make one dataset.
 */
public final class ImageFolder {

    private static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");
    private static final int RGB = 3;
    private static final int BYTE_MAX = 255;

    private ImageFolder() {
    }

    public static ImageDataset read(Path root, int side) throws IOException {
        if (side <= 0) {
            throw new IllegalArgumentException("image side " + side + " must be positive");
        }
        if (!Files.isDirectory(root)) {
            throw DataFileException.inFile(root, "no such folder (expected one sub-folder of images per class)");
        }
        List<Path> classFolders = sorted(root, Files::isDirectory);
        if (classFolders.isEmpty()) {
            throw DataFileException.inFile(root, "no class sub-folders (expected one sub-folder of images per class)");
        }
        List<String> classes = new ArrayList<>();
        List<byte[]> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path classFolder : classFolders) {
            int label = classes.size();
            classes.add(classFolder.getFileName().toString());
            List<Path> files = sorted(classFolder, file -> Files.isRegularFile(file) && isImageName(file));
            if (files.isEmpty()) {
                throw DataFileException.inFile(classFolder, "class folder without images (" + IMAGE_EXTENSIONS
                        + " files)");
            }
            for (Path file : files) {
                images.add(readImage(file, side));
                labels.add(label);
            }
        }
        return new ImageDataset("image folder " + root, RGB, side, side, images.toArray(byte[][]::new),
                labels.stream().mapToInt(Integer::intValue).toArray(), classes);
    }

    private static boolean isImageName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return !name.startsWith(".") && dot > 0
                && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static List<Path> sorted(Path folder, Predicate<Path> keep) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(path -> !path.getFileName().toString().startsWith(".")).filter(keep).sorted()
                    .toList();
        }
    }

    /** One image as RGB bytes resized to {@code side × side}. */
    private static byte[] readImage(Path file, int side) throws IOException {
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw DataFileException.inFile(file, "unreadable image: " + e.getMessage(), e);
        }
        if (image == null) {
            throw DataFileException.inFile(file, "not an image javax.imageio can decode");
        }
        int height = image.getHeight();
        int width = image.getWidth();
        float[] planes = new float[RGB * height * width];
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int argb = image.getRGB(x, y); // converts any colour model (gray, palette, alpha) to sRGB
                planes[y * width + x] = (argb >> 16) & 0xFF;
                planes[plane + y * width + x] = (argb >> 8) & 0xFF;
                planes[2 * plane + y * width + x] = argb & 0xFF;
            }
        }
        float[] resized = Resampler.resize(planes, RGB, height, width, side, side);
        byte[] out = new byte[resized.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = (byte) Math.clamp(Math.round(resized[k]), 0, BYTE_MAX);
        }
        return out;
    }
}
