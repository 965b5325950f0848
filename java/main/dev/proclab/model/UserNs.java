package dev.proclab.model;

/**
 * kernel/user_namespace.c and security/commoncap.c: a user namespace, as far as a capability check
 * needs it (its parent, its depth, the kernel uid of the task that made it), and cap_capable's walk
 * up from the namespace a check names to the caller's own.
 */
final class UserNs {
    /** init_user_ns */
    static final UserNs INIT = new UserNs(null, 0);

    final UserNs parent;
    final int level;
    final int ownerKuid;

    UserNs(UserNs parent, int ownerKuid) {
        this.parent = parent;
        this.level = parent == null ? 0 : parent.level + 1;
        this.ownerKuid = ownerKuid;
    }

    /**
     * ns_capable(ns, cap) for task t (cap_capable): t has the capability in its own namespace when it
     * has its capabilities there; in a namespace below its own only when t's euid owns the ancestor
     * of it that is a child of t's namespace; above or beside its own never.
     */
    static boolean capable(Task t, UserNs ns) {
        for (UserNs n = ns; n != null; n = n.parent) {
            if (n == t.userNs) return t.nsCapable();
            if (n.level <= t.userNs.level) return false;
            if (n.parent == t.userNs && n.ownerKuid == t.kuid) return true;
        }
        return false;
    }
}
