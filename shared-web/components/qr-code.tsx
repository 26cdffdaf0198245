import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

/** A QR code as an <img> (data: URL is allowed by the CSP; no inline script or canvas needed). */
export function QrCode({
  value,
  label,
  size = 200,
  className,
}: {
  value: string;
  label: string;
  size?: number;
  className?: string;
}) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    QRCode.toString(value, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
      .then((svg) => {
        if (live) setSrc(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
      })
      .catch(() => {
        if (live) setSrc(null);
      });
    return () => {
      live = false;
    };
  }, [value]);
  if (!src)
    return <span className={className} style={{ display: 'inline-block', inlineSize: size, blockSize: size }} />;
  return <img className={className} src={src} alt={label} width={size} height={size} />;
}
