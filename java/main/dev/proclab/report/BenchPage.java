package dev.proclab.report;

import java.util.List;

/** A self-contained HTML page for a benchmark: its command, its plot, its table, its verdicts and its figures. */
public final class BenchPage {
    /** A shape rule and whether it held. */
    public record Check(String what, String measured, boolean holds) {}

    private BenchPage() {}

    public static String render(String title, String command, String intro, String svg, List<String> head, List<List<String>> rows,
            List<Check> checks, List<String> figures) {
        StringBuilder h = new StringBuilder(65_536);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>").append(HtmlReport.esc(title))
         .append("</title>\n<style>").append(CSS).append("</style></head><body>\n");
        h.append("<header><h1>").append(HtmlReport.esc(title)).append("</h1><p><code>").append(HtmlReport.esc(command))
         .append("</code></p></header>\n<main>\n<p>").append(HtmlReport.esc(intro)).append("</p>\n");
        h.append("<figure class=\"chart\">").append(svg).append("</figure>\n");
        h.append("<h2>Shape</h2><table><thead><tr><th>rule</th><th>measured</th><th>verdict</th></tr></thead><tbody>");
        for (Check c : checks) {
            h.append("<tr><td>").append(HtmlReport.esc(c.what())).append("</td><td>").append(HtmlReport.esc(c.measured()))
             .append("</td><td class=\"v ").append(c.holds() ? "match\">holds" : "differs\">fails").append("</td></tr>");
        }
        h.append("</tbody></table>\n<h2>Medians</h2><table><thead><tr>");
        for (String c : head) h.append("<th>").append(HtmlReport.esc(c)).append("</th>");
        h.append("</tr></thead><tbody>");
        for (List<String> row : rows) {
            h.append("<tr>");
            for (String c : row) h.append("<td>").append(HtmlReport.esc(c)).append("</td>");
            h.append("</tr>");
        }
        h.append("</tbody></table>\n<h2>Figures</h2><pre>");
        for (String f : figures) h.append(HtmlReport.esc(f)).append('\n');
        h.append("</pre>\n</main><footer>Made by proclab.</footer>\n</body></html>\n");
        return h.toString();
    }

    private static final String CSS = """
            body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d232b;background:#f6f7f9}
            header{background:#1d2b3a;color:#fff;padding:14px 28px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;opacity:.9}
            main{padding:8px 28px;max-width:1100px}h2{font-size:17px;margin:22px 0 8px}
            figure.chart{margin:12px 0;background:#fff;border:1px solid #dde1e6;display:inline-block}
            table{border-collapse:collapse;background:#fff}th,td{border:1px solid #dde1e6;padding:4px 10px;text-align:right}
            th{background:#eef1f4}td:first-child{text-align:left}
            .v.match{color:#2e7d32;font-weight:600}.v.differs{color:#c62828;font-weight:600}
            pre{background:#fff;border:1px solid #dde1e6;padding:8px 12px;display:inline-block}
            footer{color:#6b7785;padding:18px 28px;font-size:12px}
            """;
}
