// Reference side of pgstore's PgJDBC URL test (tests/test_conninfo.cpp).
//
// Usage: java -cp postgresql.jar:. JdbcUrlDump FILE
//
// FILE holds one URL per line. For each URL prints "== <line number>", then "null" when
// org.postgresql.Driver.parseURL rejects it, or one "<key>=<hex>" line per property it
// produced, sorted by key, where <hex> is the UTF-8 of the value in lower-case hex. Hex keeps
// the output ASCII and line-safe whatever the values hold.

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;

public final class JdbcUrlDump {
    private JdbcUrlDump() {}

    private static String hex(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            out.append(String.format("%02x", b & 0xff));
        }
        return out.toString();
    }

    public static void main(String[] args) throws Exception {
        List<String> urls = Files.readAllLines(Paths.get(args[0]), StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        int n = 0;
        for (String url : urls) {
            out.append("== ").append(++n).append('\n');
            Properties props = org.postgresql.Driver.parseURL(url, new Properties());
            if (props == null) {
                out.append("null\n");
                continue;
            }
            for (String key : new TreeSet<>(props.stringPropertyNames())) {
                out.append(key).append('=').append(hex(props.getProperty(key))).append('\n');
            }
        }
        System.out.write(out.toString().getBytes(StandardCharsets.US_ASCII));
        System.out.flush();
    }
}
