import com.zaxxer.hikari.HikariConfig;
import java.io.FileInputStream;
import java.util.Properties;

/**
 * The Java side of the comparison: what a service does at start-up with the same file: load it
 * with java.util.Properties, hand the pool settings to HikariCP and let it validate them.
 */
public class JavaStack {
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        long start = System.nanoTime();
        for (int i = 0; i < rounds; ++i) {
            Properties p = new Properties();
            try (FileInputStream in = new FileInputStream(args[0])) {
                p.load(in);
            }
            HikariConfig c = new HikariConfig();
            c.setJdbcUrl("jdbc:postgresql://" + p.getProperty("store.postgres.host") + ":"
                + Integer.parseInt(p.getProperty("store.postgres.port")) + "/"
                + p.getProperty("store.postgres.database"));
            c.setMaximumPoolSize(Integer.parseInt(p.getProperty("store.postgres.connections", "10")));
            c.setConnectionTimeout(1000L * Integer.parseInt(p.getProperty("store.postgres.connection.timeout.seconds", "5")));
            c.setIdleTimeout(1000L * Integer.parseInt(p.getProperty("store.postgres.connection.idletimeout.seconds", "600")));
            c.setMaxLifetime(1000L * Integer.parseInt(p.getProperty("store.postgres.connection.maxlifetime.seconds", "1740")));
            c.validate();
        }
        long ns = System.nanoTime() - start;
        if (rounds > 1)
            System.out.printf("java in-process: %.1f us per load+validate over %d rounds%n", ns / 1000.0 / rounds, rounds);
    }
}
