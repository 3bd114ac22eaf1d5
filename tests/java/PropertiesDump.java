// Reference side of the pgstore .properties differential test (tests/java_differential.py).
//
// Usage: java PropertiesDump FILE...
//
// For each FILE prints a block:
//   == <path as given>
//   ok                      (then one "<key>=<value>" line per entry, in no particular order)
//   error                   (instead of "ok", when load throws IllegalArgumentException)
//
// Keys and values are escaped so that the output is pure ASCII, one entry per line, and the
// first '=' on an entry line is always the separator: every UTF-16 code unit outside
// 0x21..0x7E, and also '\' and '=', is written as backslash, 'u', then 4 lower-case hex
// digits. (No literal backslash-u in this file: javac would decode it as a Unicode escape.)
// The C++ reader under test must print exactly the same format.

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.Properties;

public final class PropertiesDump {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private PropertiesDump() {}

    static void escape(String s, StringBuilder out) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e || c == '\\' || c == '=') {
                out.append('\\').append('u')
                   .append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
                   .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
            } else {
                out.append(c);
            }
        }
    }

    public static void main(String[] args) throws IOException {
        // Write bytes ourselves: println would use the platform line separator and
        // System.out the platform charset; the format is fixed to US-ASCII and '\n'.
        PrintStream out = new PrintStream(
            new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
            false, "US-ASCII");
        StringBuilder sb = new StringBuilder();
        for (String path : args) {
            sb.setLength(0);
            sb.append("== ").append(path).append('\n');
            Properties props = new Properties();
            boolean ok;
            // The byte-stream overload is the one under test: it decodes ISO-8859-1.
            // Only IllegalArgumentException (malformed backslash-u escape) is an expected outcome;
            // anything else (missing file, I/O error) must abort the run loudly.
            try (InputStream in = new FileInputStream(path)) {
                props.load(in);
                ok = true;
            } catch (IllegalArgumentException e) {
                ok = false;
            }
            if (ok) {
                sb.append("ok\n");
                for (Map.Entry<Object, Object> e : props.entrySet()) {
                    escape((String) e.getKey(), sb);
                    sb.append('=');
                    escape((String) e.getValue(), sb);
                    sb.append('\n');
                }
            } else {
                sb.append("error\n");
            }
            out.print(sb);
        }
        out.flush();
        if (out.checkError()) {
            System.err.println("PropertiesDump: error writing standard output");
            System.exit(2);
        }
    }
}
