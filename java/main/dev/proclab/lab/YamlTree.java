package dev.proclab.lab;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.proclab.kernel.Pos;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads YAML text into {@link Node}s with positions, through Jackson's streaming YAML parser. */
final class YamlTree {
    private static final YAMLFactory FACTORY = new YAMLFactory();
    private static final Pattern MARK = Pattern.compile("line (\\d+), column (\\d+):");

    private final String file;
    private JsonParser p;

    private YamlTree(String file) {
        this.file = file;
    }

    /** The document's root node, or null for an empty document. */
    static Node read(String text, String file) throws LabException {
        return new YamlTree(file).parse(text);
    }

    private Node parse(String text) throws LabException {
        try (JsonParser parser = FACTORY.createParser(text)) {
            p = parser;
            JsonToken t = p.nextToken();
            if (t == null) return null;
            Node root = value(t);
            if (p.nextToken() != null) {
                Pos at = pos();
                throw new Located(at, "a lab file holds one YAML document; another one starts here");
            }
            return root;
        } catch (Located e) {
            throw new LabException(new LabError(file, e.pos.line(), e.pos.column(), e.getMessage()));
        } catch (JsonProcessingException e) {
            throw new LabException(malformed(e));
        } catch (IOException e) {
            throw new LabException(new LabError(file, 1, 1, "cannot read YAML: " + e.getMessage()));
        }
    }

    private Pos pos() {
        JsonLocation l = p.currentTokenLocation();
        return new Pos(Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
    }

    private Node value(JsonToken t) throws IOException {
        Pos pos = pos();
        switch (t) {
            case START_OBJECT: {
                Map<String, Node.Entry> entries = new LinkedHashMap<>();
                while ((t = p.nextToken()) != JsonToken.END_OBJECT) {
                    if (t == null) throw new IOException("unexpected end of YAML");
                    String key = p.currentName();
                    Pos keyPos = pos();
                    Node v = value(p.nextToken());
                    Node.Entry first = entries.get(key);
                    if (first != null) {
                        throw new Located(keyPos, "duplicate key " + key + " (first at " + first.keyPos() + ")");
                    }
                    entries.put(key, new Node.Entry(key, keyPos, v));
                }
                return new Node.Mapping(entries, pos);
            }
            case START_ARRAY: {
                List<Node> items = new ArrayList<>();
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t == null) throw new IOException("unexpected end of YAML");
                    items.add(value(t));
                }
                return new Node.Seq(items, pos);
            }
            case VALUE_STRING:
                if (p instanceof YAMLParser y && y.isCurrentAlias()) {
                    throw new Located(pos, "YAML aliases (*" + p.getText() + ") are not supported in lab files;"
                            + " write the value out");
                }
                return new Node.Scalar(p.getText(), p.getText(), pos);
            case VALUE_NUMBER_INT: {
                Number n = p.getNumberValue();
                Object v = n instanceof BigInteger b
                        ? (b.bitLength() < 64 ? (Object) b.longValue() : b)
                        : (Object) n.longValue();
                return new Node.Scalar(v, p.getText(), pos);
            }
            case VALUE_NUMBER_FLOAT:
                return new Node.Scalar(p.getDoubleValue(), p.getText(), pos);
            case VALUE_TRUE:
                return new Node.Scalar(Boolean.TRUE, p.getText(), pos);
            case VALUE_FALSE:
                return new Node.Scalar(Boolean.FALSE, p.getText(), pos);
            case VALUE_NULL:
                return new Node.Scalar(null, p.getText() == null ? "" : p.getText(), pos);
            default:
                return new Node.Scalar(p.getText(), p.getText(), pos);
        }
    }

    /** A problem found while reading that Jackson does not see (duplicate keys). */
    static final class Located extends IOException {
        private static final long serialVersionUID = 1L;
        final Pos pos;

        Located(Pos pos, String message) {
            super(message);
            this.pos = pos;
        }
    }

    /**
     * SnakeYAML's message names the context and then the problem, each followed by "line N, column M:";
     * the problem's place is the last one. Jackson's own location is that of the last good token.
     */
    private LabError malformed(JsonProcessingException e) {
        String msg = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        int line = 0, col = 0;
        Matcher m = MARK.matcher(msg);
        while (m.find()) {
            line = Integer.parseInt(m.group(1));
            col = Integer.parseInt(m.group(2));
        }
        if (line == 0 && e.getLocation() != null) {
            line = e.getLocation().getLineNr();
            col = e.getLocation().getColumnNr();
        }
        String problem = problem(msg);
        String hint = "";
        if (problem.contains("but got {") || problem.contains("but got }")) {
            hint = " (inside {...}, quote a name that holds {i}: child: \"w{i}\")";
        } else if (problem.contains("mapping values are not allowed")) {
            hint = " (check the indentation, or quote a value that contains ': ')";
        }
        return new LabError(file, Math.max(1, line), Math.max(1, col), "malformed YAML: " + problem + hint);
    }

    /** The problem sentence: the last text line before the last "in 'reader', line" line. */
    private static String problem(String msg) {
        String[] lines = msg.split("\n");
        int last = -1;
        for (int i = 0; i < lines.length; i++) if (MARK.matcher(lines[i]).find()) last = i;
        if (last <= 0) return lines.length > 0 ? lines[0].trim() : "unreadable";
        String s = lines[last - 1].trim();
        // the line before a mark can be a snippet's caret line when the problem has no text of its own
        if (s.equals("^") || s.isEmpty()) s = lines[0].trim();
        return s.replace("\\t(TAB)", "tab");
    }
}
