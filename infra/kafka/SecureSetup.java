// Applies the principals and ACLs of the secured local broker in one Admin client session
// (kafka.sh start --secure): one JVM instead of one kafka-configs/kafka-acls run per line.
//
//   java SecureSetup.java ADMIN_PROPERTIES USERS_TSV ACLS_TSV
//
// USERS_TSV: one "<principal>\t<password file>" per line; each gets a SCRAM-SHA-512 credential
// (upserted, so a run on a running broker is idempotent).
// ACLS_TSV: one "User:<principal>\t<operation>\t<topic|group|cluster>\t<name>\t<literal|prefixed>"
// per line, as `voorportaal acls --format tsv` prints them (the same code as production's).

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

public class SecureSetup {
    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        try (var in = Files.newBufferedReader(Path.of(args[0]))) {
            props.load(in);
        }
        List<UserScramCredentialAlteration> users = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[1]))) {
            if (line.isBlank()) continue;
            String[] f = line.split("\t");
            String password = Files.readString(Path.of(f[1])).strip();
            users.add(new UserScramCredentialUpsertion(
                f[0], new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password));
        }
        List<AclBinding> acls = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[2]))) {
            if (line.isBlank()) continue;
            String[] f = line.split("\t");
            ResourceType type = switch (f[2]) {
                case "topic" -> ResourceType.TOPIC;
                case "group" -> ResourceType.GROUP;
                case "cluster" -> ResourceType.CLUSTER;
                default -> throw new IllegalArgumentException("unknown resource type " + f[2]);
            };
            String name = type == ResourceType.CLUSTER ? "kafka-cluster" : f[3];
            PatternType pattern = f[4].equals("prefixed") ? PatternType.PREFIXED : PatternType.LITERAL;
            acls.add(new AclBinding(
                new ResourcePattern(type, name, pattern),
                new AccessControlEntry(f[0], "*", operation(f[1]), AclPermissionType.ALLOW)));
        }
        try (Admin admin = Admin.create(props)) {
            admin.alterUserScramCredentials(users).all().get(120, TimeUnit.SECONDS);
            admin.createAcls(acls).all().get(120, TimeUnit.SECONDS);
        }
        System.out.println("secure setup: " + users.size() + " SCRAM users, " + acls.size() + " ACLs");
    }

    private static AclOperation operation(String name) {
        // "IdempotentWrite" -> IDEMPOTENT_WRITE
        return AclOperation.valueOf(name.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase());
    }
}
