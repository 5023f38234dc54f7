// The pages' one stylesheet, served at /assets/app.css. No inline styles anywhere: the CSP is style-src 'self'.
export const CSS = String.raw`
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI","Apple SD Gothic Neo","Malgun Gothic",sans-serif;background:#f5f6f8;color:#111827}
a{color:#1d4ed8}
a:hover{color:#1e3a8a}
:focus-visible{outline:3px solid #2563eb;outline-offset:2px}
.skip{position:absolute;left:8px;top:-48px;background:#111827;color:#fff;padding:8px 12px;border-radius:8px;z-index:10}
.skip:focus{top:8px}
.wrap{max-width:720px;margin:0 auto;padding:0 16px}
.wrap.wide{max-width:1080px}
header.top{background:#fff;border-bottom:1px solid #e5e7eb}
header.top .wrap{display:flex;flex-wrap:wrap;align-items:center;gap:4px 16px;min-height:56px;padding-top:6px;padding-bottom:6px}
.brand{font-weight:800;font-size:19px;color:#111827;text-decoration:none;margin-right:auto}
.brand span{color:#2563eb}
nav{display:flex;flex-wrap:wrap;gap:2px}
nav a{display:inline-block;padding:8px 10px;border-radius:8px;text-decoration:none;color:#374151;font-weight:500}
nav a[aria-current=page]{background:#eff6ff;color:#1d4ed8}
.me{display:flex;align-items:center;gap:8px;font-size:14px;color:#6b7280;min-width:0}
.me span{overflow:hidden;text-overflow:ellipsis;white-space:nowrap;max-width:220px}
main.wrap{padding-top:22px;padding-bottom:48px}
h1{font-size:26px;line-height:1.25;margin:0 0 8px}
h2{font-size:18px;margin:0 0 12px}
.lead{color:#4b5563;margin:0 0 20px}
.muted{color:#6b7280;font-size:14px}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:14px;padding:20px;margin:0 0 20px}
.narrow{max-width:440px}
form .field{margin:0 0 16px}
label,legend{display:block;font-weight:600;margin:0 0 6px}
fieldset{border:0;padding:0;margin:0 0 16px;min-width:0}
input[type=text],input[type=email],input[type=password],input[type=search],select{font:inherit;width:100%;min-height:46px;padding:10px 12px;border:1px solid #cbd5e1;border-radius:10px;background:#fff;color:inherit}
input[aria-invalid=true]{border-color:#dc2626;background:#fef2f2}
.hint{font-size:14px;color:#6b7280;margin:4px 0 0}
.field-error{color:#b91c1c;font-size:14px;margin:6px 0 0;font-weight:500}
.form-error{color:#991b1b;background:#fef2f2;border:1px solid #fecaca;border-radius:10px;padding:10px 12px;margin:0 0 16px}
button,.button{font:inherit;font-weight:600;display:inline-flex;align-items:center;justify-content:center;min-height:46px;padding:10px 18px;border-radius:10px;border:1px solid #cbd5e1;background:#fff;color:#111827;cursor:pointer;text-decoration:none}
button.primary,.button.primary{background:#2563eb;border-color:#2563eb;color:#fff}
button.primary:hover{background:#1d4ed8}
button.danger{color:#b91c1c;border-color:#fca5a5}
button.link{min-height:0;padding:4px 6px;border:0;background:none;color:#1d4ed8;font-weight:500;text-decoration:underline}
button[disabled]{opacity:.6;cursor:progress}
.block{width:100%}
.actions{display:flex;flex-wrap:wrap;gap:10px;margin-top:16px}
.options{display:grid;gap:8px}
.option{display:flex;align-items:center;gap:12px;font-weight:500;border:1px solid #d1d5db;border-radius:12px;padding:12px 14px;margin:0;cursor:pointer;background:#fff}
.option:has(input:checked){border-color:#2563eb;background:#eff6ff}
.option input{width:20px;height:20px;margin:0;accent-color:#2563eb;flex:none}
.option .name{flex:1}
.option .price{font-variant-numeric:tabular-nums;font-weight:600}
.total{display:flex;justify-content:space-between;align-items:baseline;border-top:1px solid #e5e7eb;padding-top:14px;margin:4px 0 14px;font-size:18px}
.total strong{font-size:22px}
.badge{display:inline-block;font-size:13px;font-weight:600;border-radius:999px;padding:2px 10px;white-space:nowrap;background:#f3f4f6;color:#374151}
.badge.ready{background:#fef3c7;color:#92400e}
.badge.paid{background:#dcfce7;color:#166534}
.badge.failed,.badge.rejected{background:#fee2e2;color:#991b1b}
.badge.partially_cancelled{background:#ede9fe;color:#5b21b6}
.result{border-width:2px}
.result.paid{border-color:#86efac}
.result.failed,.result.rejected{border-color:#fca5a5}
.result.pending{border-color:#fcd34d}
.result h1{display:flex;align-items:center;gap:10px}
.icon{flex:none;display:inline-flex;align-items:center;justify-content:center;width:34px;height:34px;border-radius:50%;font-size:20px;background:#f3f4f6}
.paid .icon{background:#dcfce7;color:#166534}
.failed .icon,.rejected .icon{background:#fee2e2;color:#991b1b}
.pending .icon{background:#fef3c7;color:#92400e}
.spin{display:inline-block;width:18px;height:18px;border:3px solid #fcd34d;border-top-color:#92400e;border-radius:50%;animation:spin 1s linear infinite;vertical-align:-3px;margin-right:8px}
@keyframes spin{to{transform:rotate(360deg)}}
@media (prefers-reduced-motion:reduce){.spin{animation:none}}
.note{background:#fffbeb;border:1px solid #fde68a;border-radius:10px;padding:10px 12px;margin:12px 0 0}
dl.summary{display:grid;grid-template-columns:max-content 1fr;gap:8px 16px;margin:16px 0 0}
dl.summary dt{color:#6b7280}
dl.summary dd{margin:0;overflow-wrap:anywhere}
.amount{font-variant-numeric:tabular-nums;font-weight:600}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:14px;overflow-wrap:anywhere}
ol.timeline{list-style:none;margin:0;padding:0}
ol.timeline li{position:relative;padding:0 0 14px 22px;border-left:2px solid #e5e7eb;margin-left:6px}
ol.timeline li:last-child{border-left-color:transparent;padding-bottom:0}
ol.timeline li::before{content:"";position:absolute;left:-7px;top:5px;width:12px;height:12px;border-radius:50%;background:#2563eb}
ol.timeline .when{font-size:14px;color:#6b7280}
ol.timeline .why{margin:2px 0 0;font-size:14px;color:#374151;overflow-wrap:anywhere}
ul.payments{list-style:none;margin:0;padding:0;background:#fff;border:1px solid #e5e7eb;border-radius:14px;overflow:hidden}
ul.payments li+li{border-top:1px solid #e5e7eb}
ul.payments a{display:grid;grid-template-columns:1fr auto;gap:4px 12px;padding:14px 16px;color:inherit;text-decoration:none}
ul.payments a:hover{background:#f9fafb}
ul.payments .name{font-weight:600;overflow-wrap:anywhere}
ul.payments .amount{text-align:right}
ul.payments time{font-size:14px;color:#6b7280}
ul.payments .badge{justify-self:end}
.filters{display:flex;flex-wrap:wrap;align-items:flex-end;gap:12px;margin:0 0 16px}
.filters .field{margin:0;flex:1 1 160px}
.filters button{flex:none}
.pager{margin:16px 0 0}
.table-wrap{overflow-x:auto;background:#fff;border:1px solid #e5e7eb;border-radius:14px}
table{border-collapse:collapse;width:100%;font-size:15px}
th,td{text-align:left;padding:10px 12px;border-bottom:1px solid #e5e7eb;vertical-align:top}
th{font-size:13px;color:#6b7280;font-weight:600;white-space:nowrap}
tr:last-child td{border-bottom:0}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.slot{border:2px dashed #c4b5fd;background:#faf5ff}
.empty{background:#fff;border:1px dashed #d1d5db;border-radius:14px;padding:24px;text-align:center;color:#4b5563}
@media (max-width:640px){
  h1{font-size:22px}
  .card{padding:16px}
  .me span{max-width:150px}
  .actions button,.actions .button{flex:1 1 100%}
  dl.summary{grid-template-columns:1fr;gap:2px}
  dl.summary dd{margin-bottom:8px}
}
`;
