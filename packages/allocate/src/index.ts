/**
 * Nothing is exported yet: this package is an empty shell until its issue lands. It builds and
 * publishes so the workspace, packaging check and dependency graph are in place from the start.
 */
export {};
