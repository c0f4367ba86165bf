package dev.slimfit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a JMH CSV result ({@code -rf csv -rff FILE}) into Markdown tables, using the {@link WorkCounters} rates:
 * <ul>
 *   <li>benchmarks with a {@code flops} counter: GFLOP/s per parameter set, one column per {@code impl}, and the
 *   ratio of each implementation to {@code openblas} for the same other parameters (shape, threads);</li>
 *   <li>benchmarks with a {@code bytes} counter: GB/s, and the ratio to the {@code copy} benchmark of the same class
 *   with the same parameters (the bandwidth ceiling those benchmarks compare with).</li>
 * </ul>
 * JMH writes JSON too, but no JSON library is a dependency of this module, and the CSV carries the same numbers.
 * Usage: {@code scripts/bench-report.sh RESULT.csv...}.
 */
public final class BenchReport {

    /** The implementation every other {@code impl} is compared with. */
    private static final String BASELINE_IMPL = "openblas";

    /** The benchmark method whose bandwidth is the ceiling for the others of its class. */
    private static final String CEILING_METHOD = "copy";

    private static final String FLOPS = "flops";
    private static final String BYTES = "bytes";
    private static final String IMPL = "impl";

    private BenchReport() {
    }

    /** One secondary-counter row: which benchmark, with which parameters, at what rate. */
    record Row(String benchmarkClass, String method, String counter, Map<String, String> params, double rate,
               double error) {
    }

    /** Prints the tables of one or more result files, read as one run (e.g. one JMH invocation per shape). */
    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: BenchReport RESULT.csv...   (JMH results written with -rf csv -rff FILE)");
            System.exit(2);
        }
        List<Row> rows = new ArrayList<>();
        for (String file : args) {
            rows.addAll(parse(Files.readAllLines(Path.of(file))));
        }
        System.out.print(render(rows));
    }

    static String render(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        List<Row> flops = rows.stream().filter(r -> r.counter().equals(FLOPS) && r.rate() > 0).toList();
        List<Row> bytes = rows.stream().filter(r -> r.counter().equals(BYTES) && r.rate() > 0).toList();
        if (!flops.isEmpty()) {
            renderFlops(flops, out);
        }
        if (!bytes.isEmpty()) {
            renderBytes(bytes, rows, out);
        }
        if (flops.isEmpty() && bytes.isEmpty()) {
            out.append("No flops or bytes counters in this result (benchmarks must add to WorkCounters).\n");
        }
        return out.toString();
    }

    private static void renderFlops(List<Row> flops, StringBuilder out) {
        // group by benchmark and every parameter but impl; one column per impl
        Map<String, Map<String, Row>> groups = new LinkedHashMap<>();
        List<String> impls = new ArrayList<>();
        for (Row row : flops) {
            String impl = row.params().getOrDefault(IMPL, row.method());
            if (!impls.contains(impl)) {
                impls.add(impl);
            }
            Map<String, String> others = new TreeMap<>(row.params());
            others.remove(IMPL);
            String key = row.benchmarkClass() + "." + row.method() + " " + describe(others);
            groups.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(impl, row);
        }
        List<String> compared = impls.stream().filter(impl -> !impl.equals(BASELINE_IMPL)).toList();
        boolean hasBaseline = impls.contains(BASELINE_IMPL);
        out.append("### GFLOP/s (± 99.9% error)\n\n| benchmark | parameters |");
        impls.forEach(impl -> out.append(' ').append(impl).append(" |"));
        if (hasBaseline) {
            compared.forEach(impl -> out.append(' ').append(impl).append(" / ").append(BASELINE_IMPL).append(" |"));
        }
        out.append("\n|---|---|");
        impls.forEach(impl -> out.append("---:|"));
        if (hasBaseline) {
            compared.forEach(impl -> out.append("---:|"));
        }
        out.append('\n');
        for (Map<String, Row> group : groups.values()) {
            Row any = group.values().iterator().next();
            Map<String, String> others = new TreeMap<>(any.params());
            others.remove(IMPL);
            out.append("| ").append(any.benchmarkClass()).append('.').append(any.method()).append(" | ")
                    .append(describe(others)).append(" |");
            for (String impl : impls) {
                Row row = group.get(impl);
                out.append(' ').append(row == null ? "—" : format(row.rate() / 1e9) + " ± "
                        + format(row.error() / 1e9)).append(" |");
            }
            if (hasBaseline) {
                Row baseline = group.get(BASELINE_IMPL);
                for (String impl : compared) {
                    Row row = group.get(impl);
                    out.append(' ').append(row == null || baseline == null ? "—"
                            : String.format(Locale.ROOT, "%.2f", row.rate() / baseline.rate())).append(" |");
                }
            }
            out.append('\n');
        }
        out.append('\n');
    }

    private static void renderBytes(List<Row> bytes, List<Row> all, StringBuilder out) {
        out.append("### GB/s (± 99.9% error), and the ratio to `").append(CEILING_METHOD)
                .append("` of the same class and parameters\n\n")
                .append("| benchmark | parameters | GB/s | ").append(CEILING_METHOD).append(" GB/s | ratio |\n")
                .append("|---|---|---:|---:|---:|\n");
        for (Row row : bytes) {
            Row ceiling = all.stream()
                    .filter(r -> r.counter().equals(BYTES) && r.method().equals(CEILING_METHOD)
                            && r.benchmarkClass().equals(row.benchmarkClass()) && r.params().equals(row.params()))
                    .findFirst().orElse(null);
            out.append("| ").append(row.benchmarkClass()).append('.').append(row.method()).append(" | ")
                    .append(describe(row.params())).append(" | ").append(format(row.rate() / 1e9)).append(" ± ")
                    .append(format(row.error() / 1e9)).append(" | ")
                    .append(ceiling == null ? "—" : format(ceiling.rate() / 1e9)).append(" | ")
                    .append(ceiling == null ? "—" : String.format(Locale.ROOT, "%.2f", row.rate() / ceiling.rate()))
                    .append(" |\n");
        }
        out.append('\n');
    }

    /** The secondary-counter rows of a JMH CSV; primary scores and other rows are skipped. */
    static List<Row> parse(List<String> lines) {
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("empty result file");
        }
        List<String> header = splitCsv(lines.get(0));
        int benchmark = column(header, "Benchmark");
        int score = column(header, "Score");
        int error = column(header, "Score Error (99.9%)");
        Map<Integer, String> paramColumns = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
            if (header.get(i).startsWith("Param: ")) {
                paramColumns.put(i, header.get(i).substring("Param: ".length()));
            }
        }
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            List<String> cells = splitCsv(line);
            String name = cells.get(benchmark);
            int colon = name.lastIndexOf(':');
            if (colon < 0) {
                continue;
            }
            String counter = name.substring(colon + 1);
            String qualified = name.substring(0, colon);
            int dot = qualified.lastIndexOf('.');
            String benchmarkClass = qualified.substring(qualified.lastIndexOf('.', dot - 1) + 1, dot);
            Map<String, String> params = new TreeMap<>();
            paramColumns.forEach((index, param) -> {
                if (index < cells.size() && !cells.get(index).isEmpty()) {
                    params.put(param, cells.get(index));
                }
            });
            rows.add(new Row(benchmarkClass, qualified.substring(dot + 1), counter, params,
                    parseNumber(cells.get(score)), parseNumber(cells.get(error))));
        }
        return rows;
    }

    private static int column(List<String> header, String name) {
        int index = header.indexOf(name);
        if (index < 0) {
            throw new IllegalArgumentException("not a JMH CSV result: no '" + name + "' column in " + header);
        }
        return index;
    }

    /** JMH writes NaN for a missing error (one sample). */
    private static double parseNumber(String cell) {
        return cell.isEmpty() || cell.equals("NaN") ? Double.NaN : Double.parseDouble(cell);
    }

    /** Splits one CSV line; quoted cells may contain commas and doubled quotes. */
    static List<String> splitCsv(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        cells.add(cell.toString());
        return cells;
    }

    private static String describe(Map<String, String> params) {
        if (params.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        params.forEach((name, value) -> text.append(text.isEmpty() ? "" : " ").append(name).append('=').append(value));
        return text.toString();
    }

    private static String format(double value) {
        return Double.isNaN(value) ? "?" : String.format(Locale.ROOT, "%.1f", value);
    }
}
