import { describe, expect, it } from 'vitest';
import { ProgressBar } from './progress-bar.js';
import { renderLossPlot } from './render-loss-plot.js';

describe('renderLossPlot', () => {
  it('draws train and eval loss as polylines in a standalone SVG', () => {
    const svg = renderLossPlot(
      [
        { step: 1, epoch: 0.1, loss: 4 },
        { step: 2, epoch: 0.2, loss: 3 },
        { step: 2, epoch: 0.2, eval_loss: 3.5 },
        { step: 3, epoch: 0.3, loss: 2, grad_norm: 1 },
        { step: 3, epoch: 0.3, train_loss: 3 },
      ],
      { title: 'a <b> & c' },
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('a &lt;b&gt; &amp; c');
    expect(svg).toContain('train loss');
    expect(svg).toContain('eval loss');
    expect(renderLossPlot([])).toContain('no loss was logged');
  });
});

describe('ProgressBar', () => {
  it('draws in place on a TTY only, and clears before other output', () => {
    let tty = '';
    const bar = new ProgressBar({ isTTY: true, columns: 120, write: (t: string) => (tty += t) }, 10);
    bar.update(10, { loss: 1.23456, tokensPerSecond: 1234.4 });
    expect(tty).toBe(`\r100% |${'█'.repeat(20)}|  10/10 steps  loss 1.2346  1,234 tok/s  0:00<0:00\x1b[K`);
    bar.clear();
    expect(tty.endsWith('\r\x1b[K')).toBe(true);
    let piped = '';
    new ProgressBar({ isTTY: false, write: (t: string) => (piped += t) }, 10).update(5);
    expect(piped).toBe('');
  });
});
