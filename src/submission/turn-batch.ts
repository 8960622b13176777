/**
 * Gathers what one turn of the event loop produces and hands it over in one go on the next:
 * between the SMTP thread and the queue thread a message costs a serialisation and a wake-up of
 * the other side, so a turn's commits and replies travel together instead of one by one.
 */
export class TurnBatch<T> {
  private items: T[] = [];
  private scheduled: NodeJS.Immediate | undefined;

  constructor(private readonly deliver: (items: T[]) => void) {}

  push(item: T): void {
    this.items.push(item);
    this.scheduled ??= setImmediate(() => this.flush());
  }

  /** Hands over what is gathered now (nothing when empty). */
  flush(): void {
    clearImmediate(this.scheduled);
    this.scheduled = undefined;
    if (this.items.length === 0) return;
    const items = this.items;
    this.items = [];
    this.deliver(items);
  }
}
