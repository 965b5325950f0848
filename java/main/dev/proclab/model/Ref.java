package dev.proclab.model;

/** A refcounted shared object (files_struct, fs_struct): only its sharing is observable. */
final class Ref {
    int count = 1;
}
