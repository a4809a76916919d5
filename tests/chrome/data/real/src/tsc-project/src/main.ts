// SPDX-License-Identifier: LGPL-2.1-or-later
import { Circle, Rect, Shape } from "./shapes";
type Pair<A, B> = { first: A; second: B };
function zip<A, B>(a: A[], b: B[]): Pair<A, B>[] {
  return a.map((x, i) => ({ first: x, second: b[i] }));
}
async function total(shapes: Shape[]): Promise<number> {
  let s = 0;
  for (const sh of shapes) s += sh.area();
  return s;
}
const shapes: Shape[] = [new Circle(1), new Rect(2, 3)];
declare function report(x: unknown): void;
total(shapes).then((t) => report(zip(shapes.map((s) => s.name), [t])));
