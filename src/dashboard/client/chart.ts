/** The chart of an endpoint's last 5 minutes (deliveries and failures per second, mean latency), drawn by uPlot. */
import { h } from 'preact'
import { useEffect, useRef } from 'preact/hooks'
import uPlot from 'uplot'
import type { OverviewEndpoint } from './api.js'

const html = h

export function Chart({ endpoint, start }: { endpoint: OverviewEndpoint; start: number }) {
  const element = useRef<HTMLDivElement>(null)
  const plot = useRef<uPlot | undefined>(undefined)
  const series = endpoint.series
  const data: uPlot.AlignedData = [
    (series?.delivered ?? []).map((_, i) => start / 1000 + i),
    series?.delivered ?? [],
    series?.failed ?? [],
    series?.latency ?? [],
  ]
  useEffect(() => {
    if (element.current === null) return
    plot.current = new uPlot(
      {
        width: 420,
        height: 120,
        legend: { show: false },
        cursor: { show: false },
        scales: { ms: { auto: true } },
        axes: [{ show: false }, { size: 36 }, { scale: 'ms', side: 1, size: 44 }],
        series: [
          {},
          { label: 'delivered/s', stroke: '#2e7d32', fill: 'rgba(46,125,50,0.12)' },
          { label: 'failed/s', stroke: '#c62828' },
          { label: 'latency ms', stroke: '#1565c0', scale: 'ms', dash: [4, 4] },
        ],
      },
      data,
      element.current
    )
    return () => plot.current?.destroy()
  }, [])
  useEffect(() => {
    plot.current?.setData(data)
  })
  return html(
    'figure',
    { class: 'chart' },
    html('div', { ref: element }),
    html(
      'figcaption',
      null,
      'last 5 min: ',
      html('span', { class: 'key key-delivered' }, 'delivered/s'),
      html('span', { class: 'key key-failed' }, 'failed attempts/s'),
      html('span', { class: 'key key-latency' }, 'mean latency (ms, right)')
    )
  )
}
