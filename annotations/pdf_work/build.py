import json, hashlib
LABELS_D = ["属于国家秘密","其他法律行政法规禁止公开","危及三安全一稳定","保护第三方合法权益","属于三类内部事务信息","属于四类过程性信息","属于行政执法案卷","属于行政查询事项"]
LABELS_U = ["本机关不掌握相关政府信息","没有现成信息需要另行制作","补正后申请内容仍不明确"]
LABELS_N = ["信访举报投诉类申请","重复申请","要求提供公开出版物","无正当理由大量反复申请","要求行政机关确认或重新出具已获取信息"]
LABELS_O = ["申请人无正当理由逾期不补正","申请人逾期未按收费通知要求缴纳费用","其他"]

def z(n): return [n,0,0,0,0,0,n]
def t3(rows, other_split):
    labels = ["本年新收","上年结转","予以公开","部分公开"] + ["不予公开."+l for l in LABELS_D] + ["无法提供."+l for l in LABELS_U] + ["不予处理."+l for l in LABELS_N]
    labels += (["其他处理."+l for l in LABELS_O] if other_split else ["其他处理"]) + ["总计","结转下年度"]
    assert len(labels)==len(rows),(len(labels),len(rows))
    return dict(zip(labels, rows))

# values as read from the rendered pages (110 dpi, key tables re-checked at 220 dpi)
docs = {}
docs["hongze_2023"] = dict(
  title="洪泽区人民政府2023年政府信息公开工作年度报告", agency="洪泽区人民政府", year=2023, published=None,
  t2=dict(reg=(0,0,0), norm=(0,5,5), lic=550, pun=4119, coe=195, fee=7730.28),
  t3=t3([z(21),z(0),z(0),z(4), z(1),z(0),z(0),z(0),z(0),z(1),z(1),z(0), z(10),z(3),z(0), z(1),z(0),z(0),z(0),z(0), z(0), z(21), z(0)], False),
  t4=[10,1,0,0,0, 0,0,0,0,0, 5,0,0,0,0],
  prose=dict(published_items=1136, fees=0))
docs["hongze_2024"] = dict(
  title="淮安市洪泽区人民政府2024年政府信息公开工作年度报告", agency="淮安市洪泽区人民政府", year=2024, published=None,
  t2=dict(reg=(0,0,0), norm=(3,0,8), lic=9487, pun=2776, coe=84, fee=7545),
  t3=t3([z(95),z(0),z(50),z(9), z(0),z(0),z(1),z(0),z(0),z(1),z(1),z(0), z(31),z(1),z(0), z(1),z(0),z(0),z(0),z(0), z(0), z(95), z(0)], False),
  t4=[1,1,0,0,2, 1,0,0,0,1, 2,0,1,0,3],
  prose=dict(published_items=2428, fees=0))
docs["huaian_2024"] = dict(
  title="淮安市人民政府2024年政府信息公开工作年度报告", agency="淮安市人民政府", year=2024, published=None,
  t2=dict(reg=(1,0,11), norm=(8,26,66), lic=447228, pun=3985758, coe=88283, fee=96171.6),
  t3=t3([
    [3001,53,0,0,61,4,3119],[34,0,0,0,0,0,34],[1288,21,0,0,50,3,1362],[447,7,0,0,0,0,454],
    [2,0,0,0,0,0,2],[30,1,0,0,0,0,31],[5,0,0,0,0,0,5],[6,0,0,0,0,0,6],[7,1,0,0,0,0,8],[12,0,0,0,0,0,12],[9,0,0,0,0,0,9],[105,0,0,0,0,0,105],
    [746,12,0,0,10,1,769],[11,0,0,0,0,0,11],[1,0,0,0,0,0,1],
    [56,6,0,0,0,0,62],[25,0,0,0,0,0,25],[0,0,0,0,0,0,0],[0,0,0,0,0,0,0],[1,0,0,0,0,0,1],
    [67,3,0,0,1,0,71],[6,0,0,0,0,0,6],[108,2,0,0,0,0,110],
    [2932,53,0,0,61,4,3050],[103,0,0,0,0,0,103]], True),
  t4=[72,64,178,37,351, 13,4,8,1,26, 12,1,1,6,20],
  prose=dict(published_items=5500, fees=3940))

def block(t, prefix):
    ks=[k for k in t if k==prefix or k.startswith(prefix+".")]
    return [sum(t[k][i] for k in ks) for i in range(7)]

out=[]; report={}
for id,d in docs.items():
    t=d["t3"]; fails=[]
    for k,v in t.items():
        if sum(v[:6])!=v[6]: fails.append(f"row {k}: 自然人+法人 {sum(v[:6])} != 总计 {v[6]}")
    blocks={b:block(t,b) for b in ["予以公开","部分公开","不予公开","无法提供","不予处理","其他处理"]}
    res=[sum(blocks[b][i] for b in blocks) for i in range(7)]
    for i in range(7):
        if res[i]!=t["总计"][i]: fails.append(f"col {i}: sum of (一)-(六) {res[i]} != (七)总计 {t['总计'][i]}")
        if t["本年新收"][i]+t["上年结转"][i]!=t["总计"][i]+t["结转下年度"][i]: fails.append(f"col {i}: 一+二 != 七+四")
    t4=d["t4"]
    for name,o in [("review",0),("litigation.direct",5),("litigation.after_review",10)]:
        if sum(t4[o:o+4])!=t4[o+4]: fails.append(f"table4 {name}: 维持+纠正+其他+尚未审结 = {sum(t4[o:o+4])} but 总计 printed {t4[o+4]}")
    m={}
    p=d["prose"]; m["proactive.published_items"]=p["published_items"]
    a=d["t2"]
    for key,vals in [("regulations",a["reg"]),("normative_documents",a["norm"])]:
        for s,v in zip(["issued","repealed","in_force"],vals): m[f"proactive.{key}.{s}"]=v
    m["proactive.licensing.decisions"]=a["lic"]; m["proactive.punishment.decisions"]=a["pun"]; m["proactive.coercion.decisions"]=a["coe"]; m["proactive.admin_fees.wan_yuan"]=a["fee"]
    m["requests.received"]=t["本年新收"][6]; m["requests.carried_over"]=t["上年结转"][6]
    m["requests.granted"]=blocks["予以公开"][6]; m["requests.partially_granted"]=blocks["部分公开"][6]
    m["requests.denied"]=blocks["不予公开"][6]; m["requests.unable_to_provide"]=blocks["无法提供"][6]
    m["requests.not_processed"]=blocks["不予处理"][6]; m["requests.other_handling"]=blocks["其他处理"][6]
    m["requests.completed"]=t["总计"][6]; m["requests.carried_forward"]=t["结转下年度"][6]
    for name,o in [("review",0),("litigation.direct",5),("litigation.after_review",10)]:
        for s,v in zip(["upheld","corrected","other","pending","total"],t4[o:o+5]): m[f"{name}.{s}"]=v
    m["fees.information_processing_yuan"]=p["fees"]
    path=f"corpus/reports/{id}.pdf"
    sha=hashlib.sha256(open("/work/shared/"+path,"rb").read()).hexdigest()
    rec={"title":d["title"],"agency":d["agency"],"year":d["year"],"published":d["published"],"format":"2021","script":"simplified","metrics":m}
    out.append({"id":id,"path":path,"sha256":sha,"paragraphs":[],"spans":[],"record":rec,"tables":{"table3":t},"level":"record"})
    report[id]=fails
    print(id, "failures:", fails)
    print(json.dumps(m,ensure_ascii=False))
with open("/work/main/annotations/gold/pdf_records.jsonl","w") as f:
    for o in out: f.write(json.dumps(o,ensure_ascii=False)+"\n")
