// SPDX-License-Identifier: LGPL-2.1-or-later
export interface Shape { area(): number; name: string }
export class Circle implements Shape {
  name = "circle";
  constructor(private r: number) {}
  area(): number { return Math.PI * this.r * this.r; }
}
export class Rect implements Shape {
  name = "rect";
  constructor(private w: number, private h: number) {}
  area(): number { return this.w * this.h; }
}
