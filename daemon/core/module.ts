/** Ground floor: something with a lifecycle. stop() must undo exactly what start() did. */
export interface Module {
  readonly name: string;
  start?(): Promise<void> | void;
  stop?(): Promise<void> | void;
}
