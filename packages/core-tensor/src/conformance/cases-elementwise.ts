// Elementwise kernels: arithmetic with broadcasting, comparisons, unary math, casts, select, AddN.
import { tf } from '../tf.js';
import { bool, f32, f32In, i32, values } from './case-inputs.js';
import { DEVICE_SIZED, type ConformanceCase } from './conformance-case.js';

type Binary = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

const BROKEN_BROADCAST_GRADIENTS = new Set(['Maximum', 'Minimum', 'SquaredDifference']);

const ARITHMETIC: [string, Binary][] = [
  ['Add', tf.add],
  ['Sub', tf.sub],
  ['Multiply', tf.mul],
  ['Maximum', tf.maximum],
  ['Minimum', tf.minimum],
  ['SquaredDifference', tf.squaredDifference],
];

const COMPARISONS: [string, Binary][] = [
  ['Equal', tf.equal],
  ['NotEqual', tf.notEqual],
  ['Less', tf.less],
  ['LessEqual', tf.lessEqual],
  ['Greater', tf.greater],
  ['GreaterEqual', tf.greaterEqual],
];

function arithmeticCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const [kernel, op] of ARITHMETIC) {
    cases.push(
      {
        name: `${kernel} same shape [64,33]`,
        kernels: [kernel],
        inputs: () => [f32([64, 33], 1), f32([64, 33], 2)],
        run: op,
        gradOf: [0, 1],
      },
      {
        name: `${kernel} broadcast [4,1,5] with [3,5]`,
        kernels: [kernel],
        inputs: () => [f32([4, 1, 5], 3), f32([3, 5], 4)],
        run: op,
        // tfjs 4.22's Maximum/Minimum/SquaredDifference gradients do not reduce broadcast dimensions.
        gradOf: BROKEN_BROADCAST_GRADIENTS.has(kernel) ? undefined : [0, 1],
      },
      {
        name: `${kernel} int32 broadcast [6,7] with [7]`,
        kernels: [kernel],
        inputs: () => [i32([6, 7], 5, -50, 50), i32([7], 6, -50, 50)],
        run: op,
      },
    );
  }
  cases.push(
    {
      name: 'Add bias row [128,96] + [96]',
      kernels: ['Add', 'Sum', 'Reshape'],
      inputs: () => [f32([128, 96], 7), f32([96], 8)],
      run: tf.add,
      gradOf: [0, 1],
    },
    {
      name: 'Multiply by scalar',
      kernels: ['Multiply'],
      inputs: () => [f32([50, 20], 9), f32([], 10)],
      run: tf.mul,
      gradOf: [0, 1],
    },
    {
      name: 'RealDiv broadcast [5,8] / [5,1]',
      kernels: ['RealDiv'],
      inputs: () => [f32([5, 8], 11), f32In([5, 1], 12, 0.5, 2)],
      run: tf.div,
      gradOf: [0, 1],
    },
    {
      name: 'Pow positive base',
      kernels: ['Pow'],
      inputs: () => [f32In([40], 13, 0.1, 3), f32In([40], 14, -2, 2)],
      run: tf.pow,
      tolerance: { rtol: 1e-5, atol: 1e-6 },
    },
    {
      name: 'FloorDiv float32',
      kernels: ['FloorDiv'],
      inputs: () => [f32([60], 15, 10), f32In([60], 16, 0.5, 3)],
      run: tf.floorDiv,
    },
    {
      name: 'FloorDiv int32',
      kernels: ['FloorDiv'],
      inputs: () => [i32([60], 17, -100, 100), i32([60], 18, 1, 9)],
      run: tf.floorDiv,
    },
    {
      name: 'Mod float32 and int32',
      kernels: ['Mod'],
      inputs: () => [
        i32([60], 19, -100, 100),
        i32([60], 20, 1, 9),
        f32([60], 21, 10),
        f32In([60], 22, 0.5, 3),
      ],
      run: (a, b, c, d) => [tf.mod(a!, b!), tf.mod(c!, d!)],
    },
    {
      name: 'Maximum with NaN',
      kernels: ['Maximum', 'Minimum'],
      inputs: () => [values([4], 'float32', [NaN, 1, -2, 3]), values([4], 'float32', [0, NaN, 5, -1])],
      run: (a, b) => [tf.maximum(a!, b!), tf.minimum(a!, b!)],
    },
    {
      name: 'Binary forms: odd sizes, column, scalar, row and leading-1 broadcasts',
      kernels: ['Add', 'Sub', 'Multiply', 'Sum', 'Reshape'],
      inputs: () => [
        f32([7, 13], 300),
        f32([7, 13], 301),
        f32([37, 5], 302),
        f32([5], 303),
        f32([8, 12], 304),
        f32([8, 1], 305),
        f32([], 306),
        f32([1, 12], 307),
        f32([1, 7, 13], 308),
      ],
      run: (a, b, c, d, e, f, s, g, h) => [
        tf.add(a!, b!), // same shape, n % 4 != 0
        tf.mul(c!, d!), // row broadcast, cols % 4 != 0
        tf.sub(e!, f!), // column broadcast, four per thread
        tf.sub(f!, e!), // the broadcast operand first
        tf.mul(s!, a!), // scalar, n % 4 != 0
        tf.add(e!, s!), // scalar, four per thread
        tf.mul(g!, e!), // [1, 12] rows
        tf.add(h!, a!), // shapes differ only by a leading 1
      ],
      gradOf: [0, 1, 2, 3, 4, 5, 6, 7, 8],
    },
    {
      name: 'Binary forms of int32 and comparisons: columns, scalars',
      kernels: ['Add', 'Sub', 'Less', 'Equal'],
      inputs: () => [
        i32([9, 8], 309, -50, 50),
        i32([9, 1], 310, -50, 50),
        i32([], 311, -5, 5),
        f32([9, 8], 312),
      ],
      run: (m, k, s, x) => [
        tf.sub(m!, k!),
        tf.add(s!, m!),
        tf.add(m!, m!),
        tf.less(x!, tf.cast(k!, 'float32')),
        tf.equal(k!, m!),
      ],
    },
    {
      name: 'Add at training size: same shape [8192,4864]',
      onlyOn: DEVICE_SIZED,
      kernels: ['Add'],
      inputs: () => [f32([8192, 4864], 313), f32([8192, 4864], 314)],
      run: tf.add,
    },
    {
      name: 'Add bias rows at training size [8192,896] + [896], [8192,128] + [128]',
      onlyOn: DEVICE_SIZED,
      kernels: ['Add', 'Sum', 'Reshape'],
      inputs: () => [f32([8192, 896], 315), f32([896], 316), f32([8192, 128], 317), f32([128], 318)],
      run: (x, b, k, c) => [tf.add(x!, b!), tf.add(k!, c!)],
      gradOf: [0, 1, 2, 3],
    },
  );
  return cases;
}

function comparisonCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = COMPARISONS.map(([kernel, op]) => ({
    name: `${kernel} float32 broadcast and int32`,
    kernels: [kernel],
    inputs: () => [i32([30, 4], 23, -3, 3), i32([4], 24, -3, 3)],
    run: (a: tf.Tensor, b: tf.Tensor) => [op(tf.cast(a, 'float32'), tf.cast(b, 'float32')), op(a, b)],
  }));
  cases.push({
    name: 'LogicalAnd, LogicalOr, LogicalNot on bool',
    kernels: ['LogicalAnd', 'LogicalOr', 'LogicalNot'],
    inputs: () => [bool([7, 9], 25), bool([9], 26)],
    run: (a, b) => [tf.logicalAnd(a!, b!), tf.logicalOr(a!, b!), tf.logicalNot(a!)],
  });
  return cases;
}

type Unary = (x: tf.Tensor) => tf.Tensor;

function unaryCases(): ConformanceCase[] {
  const anyReal: [string, Unary][] = [
    ['Neg', tf.neg],
    ['Abs', tf.abs],
    ['Exp', tf.exp],
    ['Square', tf.square],
    ['Sigmoid', tf.sigmoid],
    ['Tanh', tf.tanh],
    ['Relu', tf.relu],
    ['Sin', tf.sin],
    ['Cos', tf.cos],
    ['Floor', tf.floor],
    ['Ceil', tf.ceil],
    ['Round', tf.round],
    ['Sign', tf.sign],
    ['Expm1', tf.expm1],
    ['Softplus', tf.softplus],
    ['Erf', tf.erf],
  ];
  const positive: [string, Unary][] = [
    ['Log', tf.log],
    ['Sqrt', tf.sqrt],
    ['Rsqrt', tf.rsqrt],
    ['Reciprocal', tf.reciprocal],
    ['Log1p', tf.log1p],
  ];
  // Gradients exercise the backward compositions (Exp grad = Multiply, Sqrt grad = RealDiv...).
  const cases: ConformanceCase[] = [
    ...anyReal.map(([kernel, op]): ConformanceCase => ({
      name: `${kernel} float32`,
      kernels: [kernel],
      inputs: () => [f32([257], 30, 3)],
      run: op,
      gradOf: ['Floor', 'Ceil', 'Round', 'Sign'].includes(kernel) ? undefined : [0],
      tolerance: { rtol: 2e-6, atol: 1e-6 },
    })),
    ...positive.map(([kernel, op]): ConformanceCase => ({
      name: `${kernel} float32 (positive inputs)`,
      kernels: [kernel],
      inputs: () => [f32In([257], 31, 0.05, 20)],
      run: op,
      gradOf: [0],
      tolerance: { rtol: 2e-6, atol: 1e-6 },
    })),
  ];
  cases.push(
    {
      name: 'Round halves to even',
      kernels: ['Round'],
      inputs: () => [values([8], 'float32', [0.5, 1.5, 2.5, -0.5, -1.5, 2.4999, 3.5001, -2.5])],
      run: tf.round,
    },
    {
      name: 'Step (the Relu and Abs gradients) with alpha',
      kernels: ['Step'],
      inputs: () => [values([5], 'float32', [-2, 0, 3, NaN, -0.5])],
      run: (x) => [tf.step(x, 0.25), tf.step(x)],
    },
    {
      name: 'ClipByValue',
      kernels: ['ClipByValue'],
      inputs: () => [f32([100], 32, 2)],
      run: (x) => tf.clipByValue(x, -0.5, 1.25),
      gradOf: [0],
    },
    {
      name: 'Neg, Abs, Square, Sign int32',
      kernels: ['Neg', 'Abs', 'Square', 'Sign'],
      inputs: () => [i32([50], 33, -1000, 1000)],
      run: (x) => [tf.neg(x), tf.abs(x), tf.square(x), tf.sign(x)],
    },
    {
      name: 'Exp of int32 (computed in float32)',
      kernels: ['Exp'],
      inputs: () => [i32([20], 34, -5, 5)],
      run: tf.exp,
    },
    {
      name: 'IsNan, IsInf, IsFinite',
      kernels: ['IsNan', 'IsInf', 'IsFinite'],
      inputs: () => [values([6], 'float32', [0, NaN, Infinity, -Infinity, -3, 1e30])],
      run: (x) => [tf.isNaN(x), tf.isInf(x), tf.isFinite(x)],
    },
  );
  return cases;
}

function castCases(): ConformanceCase[] {
  return [
    {
      name: 'Cast float32 -> int32 / bool, int32 -> float32 / bool',
      kernels: ['Cast'],
      inputs: () => [values([8], 'float32', [0, -0.5, 2.7, -2.7, 1e6, NaN, 3, -0]), i32([9], 40, -4, 4)],
      run: (x, n) => [tf.cast(x!, 'int32'), tf.cast(x!, 'bool'), tf.cast(n!, 'float32'), tf.cast(n!, 'bool')],
    },
    {
      name: 'Cast bool -> int32 / float32, and same-dtype aliases',
      kernels: ['Cast', 'Identity'],
      inputs: () => [bool([17], 41), f32([5], 42)],
      run: (b, x) => [tf.cast(b!, 'int32'), tf.cast(b!, 'float32'), tf.cast(x!, 'float32'), tf.clone(x!)],
    },
  ];
}

function selectCases(): ConformanceCase[] {
  return [
    {
      name: 'Select (where) same shape and broadcast condition',
      kernels: ['Select', 'Tile'],
      inputs: () => [bool([6, 5], 43), f32([6, 5], 44), f32([6, 5], 45), bool([5], 46)],
      run: (c, a, b, row) => [tf.where(c!, a!, b!), tf.where(row!, a!, b!)],
      gradOf: [1, 2],
    },
    {
      name: 'Select int32',
      kernels: ['Select'],
      inputs: () => [bool([40], 47), i32([40], 48, -9, 9), i32([40], 49, -9, 9)],
      run: (c, a, b) => tf.where(c!, a!, b!),
    },
    {
      name: 'AddN of 4 tensors',
      kernels: ['AddN'],
      inputs: () => [f32([9, 7], 50), f32([9, 7], 51), f32([9, 7], 52), f32([9, 7], 53)],
      run: (a, b, c, d) => tf.addN([a!, b!, c!, d!]),
      gradOf: [0, 3],
    },
  ];
}

export const elementwiseCases = (): ConformanceCase[] => [
  ...arithmeticCases(),
  ...comparisonCases(),
  ...unaryCases(),
  ...castCases(),
  ...selectCases(),
];
