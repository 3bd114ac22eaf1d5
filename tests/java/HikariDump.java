import com.zaxxer.hikari.HikariConfig;

/**
 * Configures HikariCP the way the services do (seconds times 1000, minimumIdle unset) for groups
 * of four numbers on the command line, lets it validate, and prints what it kept.
 */
public class HikariDump {
    public static void main(String[] args) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i + 3 < args.length; i += 4) {
            HikariConfig c = new HikariConfig();
            c.setJdbcUrl("jdbc:postgresql://127.0.0.2:5432/oracle");
            c.setMaximumPoolSize(Integer.parseInt(args[i]));
            c.setConnectionTimeout(Long.parseLong(args[i + 1]) * 1000);
            c.setIdleTimeout(Long.parseLong(args[i + 2]) * 1000);
            c.setMaxLifetime(Long.parseLong(args[i + 3]) * 1000);
            c.validate();
            out.append(args[i]).append(',').append(args[i + 1]).append(',').append(args[i + 2])
                .append(',').append(args[i + 3]).append(" -> max=").append(c.getMaximumPoolSize())
                .append(" minIdle=").append(c.getMinimumIdle())
                .append(" conn=").append(c.getConnectionTimeout())
                .append(" idle=").append(c.getIdleTimeout())
                .append(" life=").append(c.getMaxLifetime()).append('\n');
        }
        System.out.print(out);
    }
}
