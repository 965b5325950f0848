package dev.proclab.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.proclab.compare.LabResult;
import dev.proclab.compare.Row;
import dev.proclab.compare.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON document of LAB-FORMAT.md, one per lab (an array for several), with a few added keys. */
public final class JsonReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {}

    public static Map<String, Object> document(LabResult r, RunInfo info) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("lab", r.lab());
        Map<String, Object> kernel = new LinkedHashMap<>();
        kernel.put("release", info.release());
        kernel.put("machine", info.machine());
        doc.put("kernel", kernel);
        doc.put("capabilities", info.capabilities());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Row row : r.rows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step", row.step());
            m.put("proc", row.proc());
            m.put("field", row.field());
            m.put("expected", row.expected());
            m.put("model", row.model() instanceof dev.proclab.kernel.Envelope e ? envelope(e) : row.model());
            m.put("real", row.real());
            m.put("verdict", row.verdict().id());
            m.put("note", row.note());
            rows.add(m);
        }
        doc.put("rows", rows);
        Map<String, Object> summary = new LinkedHashMap<>();
        for (Map.Entry<Verdict, Integer> e : r.summary().entrySet()) summary.put(e.getKey().id(), e.getValue());
        doc.put("summary", summary);
        doc.put("warnings", r.warnings());
        List<Map<String, Object>> events = new ArrayList<>();
        for (LabResult.StepEvent e : r.events()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step", e.step());
            m.put("kernel", e.kernel());
            m.put("proc", e.event().proc());
            m.put("kind", e.event().kind());
            m.put("text", e.event().text());
            events.add(m);
        }
        doc.put("events", events);
        doc.put("real_skipped", r.realSkipped());
        doc.put("failure", r.failure());
        return doc;
    }

    public static String render(List<LabResult> results, RunInfo info) {
        return render(results, info, Map.of());
    }

    /** As {@link #render(List, RunInfo)}, with more keys for some labs' documents (lab id to keys: predictions). */
    public static String render(List<LabResult> results, RunInfo info, Map<String, Map<String, Object>> extra) {
        try {
            List<Object> all = new ArrayList<>();
            for (LabResult r : results) {
                Map<String, Object> doc = document(r, info);
                doc.putAll(extra.getOrDefault(r.lab(), Map.of()));
                all.add(doc);
            }
            if (all.size() == 1) return JSON.writeValueAsString(all.get(0));
            return JSON.writeValueAsString(all);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the JSON report", e);
        }
    }

    /** An envelope in JSON: {"any_of": [...], "why": "..."}. */
    private static Map<String, Object> envelope(dev.proclab.kernel.Envelope e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("any_of", e.values());
        m.put("why", e.why());
        return m;
    }
}
