/**
 * The client's one `seq` counter (docs/protocol.md): INPUT, ACTION and
 * CONTROL frames each take the next number, starting at 1, without gaps.
 */
export class ClientSeq {
  private lastSeq = 0;

  /** The seq of the last frame encoded (0 before the first). */
  get last(): number {
    return this.lastSeq;
  }

  /**
   * Encodes a frame with the next seq. The number is used up only when
   * `encode` returns, so a frame that cannot be encoded leaves no gap.
   */
  next<T>(encode: (seq: number) => T): T {
    const seq = this.lastSeq + 1;
    const frame = encode(seq);
    this.lastSeq = seq;
    return frame;
  }
}
