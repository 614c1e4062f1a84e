# How far a model's class distribution (given as log-probabilities) is from a teacher's.
set student [torch::tensor_log [torch::tensor_create {{0.6 0.3 0.1} {0.2 0.5 0.3}}]]
set teacher [torch::tensor_create {{0.7 0.2 0.1} {0.1 0.6 0.3}}]
puts "per element mean: [torch::tensor_item [torch::kl_div_loss $student $teacher]]"
puts "per sample (batchmean): [torch::tensor_item [torch::klDivLoss -input $student -target $teacher -reduction batchmean]]"
