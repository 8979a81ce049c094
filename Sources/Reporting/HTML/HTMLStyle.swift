/// The stylesheet and script inlined into `index.html` (nothing is fetched). The script only
/// filters the findings table and opens collapsed sections before printing; the page reads the
/// same without it.
enum HTMLStyle {
    static let css = """
        :root{--ok:#2da44e;--fb:#d4a72c;--no:#cf222e;--drop:#57606a;--div:#e16f24;--na:#d0d7de;--fg:#1f2328;--muted:#59636e;--line:#d0d7de;--bg2:#f6f8fa}
        *{box-sizing:border-box}
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;color:var(--fg);background:#fff}
        main,header,nav,footer{max-width:1100px;margin:0 auto;padding:0 16px}
        h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.25em;margin:1.6em 0 .5em;border-bottom:1px solid var(--line);padding-bottom:.2em}
        h3{font-size:1.05em;margin:1.2em 0 .4em}h4{font-size:.95em;margin:1em 0 .3em}
        code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:.9em;overflow-wrap:anywhere}
        .banner{margin:0;max-width:none;padding:16px max(16px,calc((100% - 1100px)/2 + 16px));color:#fff}
        .banner.pass{background:#1a7f37}.banner.fail{background:#cf222e}
        .banner p{margin:.2em 0}.counts{list-style:none;padding:0;margin:.5em 0 0;display:flex;flex-wrap:wrap;gap:6px}
        .counts li{background:rgba(255,255,255,.18);border-radius:12px;padding:2px 10px}
        nav.toc{margin-top:12px;font-size:.95em}nav.toc a{margin-right:10px}
        h1,h2,h3,h4,p,li,nav a,summary,caption,.counts li{overflow-wrap:anywhere}
        .scroll{overflow-x:auto;max-width:100%}
        table{border-collapse:collapse;margin:.4em 0 1em;font-size:.92em}
        th,td{border:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top}
        th{background:var(--bg2)}th code{overflow-wrap:normal;white-space:nowrap}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        td.msg{min-width:16em;max-width:40em;overflow-wrap:anywhere}
        .badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:.8em;font-weight:600;vertical-align:middle;border:1px solid transparent}
        .b-passed,.b-unchanged,.b-fixed{background:#dafbe1;color:#116329}.b-failed,.b-new,.b-worse,.b-error{background:#ffebe9;color:#a40e26}
        .b-info{background:#ddf4ff;color:#0550ae}.b-warning{background:#fff8c5;color:#7d4e00}
        tr.blk td:first-child{box-shadow:inset 4px 0 0 var(--no)}
        .cell.v-ok{background:#dafbe1}.cell.v-fb{background:#fff8c5}.cell.v-no{background:#ffebe9}.cell.v-na{color:var(--muted)}
        svg{display:block;width:100%;height:auto;margin:.3em 0}
        svg.strip{height:46px}svg.chart{max-width:720px}svg.hist{max-width:240px}
        rect.v-ok{fill:var(--ok)}rect.v-fb{fill:var(--fb)}rect.v-no{fill:var(--no)}rect.v-drop{fill:var(--drop)}rect.v-div{fill:var(--div)}rect.v-na{fill:var(--na)}
        rect.part.p0{fill:#0969da}rect.part.p1{fill:#54aeff}
        .legend{display:flex;flex-wrap:wrap;gap:10px;font-size:.85em;color:var(--muted);margin:.2em 0}
        .legend i{display:inline-block;width:11px;height:11px;margin-right:4px;vertical-align:-1px}
        i.v-ok{background:var(--ok)}i.v-fb{background:var(--fb)}i.v-no{background:var(--no)}i.v-drop{background:var(--drop)}i.v-div{background:var(--div)}i.part{background:#0969da}
        .grid{stroke:#eaeef2}.zero{stroke:#8c959f}.axis{font-size:10px;fill:var(--muted)}.inbar{fill:#fff}
        rect.bar.ok{fill:#8c959f}rect.bar.bad{fill:var(--no)}rect.bar.first{fill:var(--div)}rect.hb{fill:#0969da}
        rect.drift{fill:#8c959f}rect.d-regression{fill:var(--no)}rect.d-smallDrop{fill:var(--fb)}rect.d-improvement{fill:var(--ok)}rect.d-tooSmall{fill:#d0d7de}
        line.ci{stroke:#1f2328;stroke-width:1.2}
        rect.prec{fill:#8c959f}rect.prec-float32{fill:#0969da}rect.prec-float16{fill:#54aeff}rect.prec-bfloat16{fill:#218bff}rect.prec-int8{fill:#8250df}rect.prec-float8e4m3fn{fill:#bf3989}rect.prec-int4{fill:#6639ba}
        table.cm td{text-align:center;min-width:2.2em;font-variant-numeric:tabular-nums}table.cm caption{caption-side:bottom;font-size:.85em;color:var(--muted);text-align:left}
        .note{color:var(--muted);font-size:.9em}
        .chain{padding-left:1.2em}.chain li{margin:.15em 0}
        .filters button{font:inherit;border:1px solid var(--line);background:var(--bg2);border-radius:6px;padding:2px 10px;margin:0 4px 6px 0;cursor:pointer}
        .filters button[aria-pressed=true]{background:#0969da;color:#fff;border-color:#0969da}
        section.model{border-top:3px solid var(--line);margin-top:2em}
        details summary{cursor:pointer;color:#0969da}
        footer{color:var(--muted);font-size:.85em;margin:2em auto 1em}
        @media (max-width:640px){body{font-size:13px}th,td{padding:2px 4px}td.msg{min-width:12em}.banner h1{font-size:1.3em}
        #findings-table,#findings-table tbody{display:block}#findings-table thead{display:none}
        #findings-table tr{display:block;border:1px solid var(--line);margin:0 0 6px;padding:4px 6px}#findings-table tr[hidden]{display:none}
        #findings-table td{display:inline;border:0;padding:0 6px 0 0}#findings-table td:empty{display:none}
        #findings-table td.msg{display:block;min-width:0;max-width:none;margin-top:3px}#findings-table td[data-label]::before{content:attr(data-label) " ";color:var(--muted)}
        tr.blk td:first-child{box-shadow:none}#findings-table tr.blk{border-left:4px solid var(--no)}}
        @media print{body{font-size:11px}.banner{color:#000;background:none!important;border:3px solid currentColor}.banner.fail{color:#a40e26}.banner.pass{color:#116329}
        .counts li{border:1px solid #999}nav.toc,.filters{display:none}section.model{break-before:page}svg,table.cm,figure{break-inside:avoid}
        tr{break-inside:avoid}.scroll{overflow:visible}a{color:inherit;text-decoration:none}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
        """

    static let script = """
        (function(){
          var buttons=document.querySelectorAll('[data-filter]');
          function apply(filter){
            var rows=document.querySelectorAll('#findings-table tbody tr');
            for(var i=0;i<rows.length;i++){var r=rows[i];
              var show=filter==='all'||(filter==='blocking'?r.getAttribute('data-blocking')==='1':r.getAttribute('data-status')===filter);
              r.hidden=!show;}
            for(var j=0;j<buttons.length;j++){buttons[j].setAttribute('aria-pressed',buttons[j].getAttribute('data-filter')===filter?'true':'false');}
          }
          for(var k=0;k<buttons.length;k++){buttons[k].addEventListener('click',function(ev){apply(ev.currentTarget.getAttribute('data-filter'));});}
          var pressed=document.querySelector('[data-filter][aria-pressed=true]');
          if(pressed){apply(pressed.getAttribute('data-filter'));}
          window.addEventListener('beforeprint',function(){var d=document.querySelectorAll('details');for(var i=0;i<d.length;i++){d[i].open=true;}});
        })();
        """
}
