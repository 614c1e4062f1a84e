# Log-probabilities of three samples over three classes, scored at the true classes; then with
# class 2 weighted double.
set logp [torch::tensor_log [torch::tensor_create {{0.7 0.2 0.1} {0.1 0.8 0.1} {0.3 0.3 0.4}}]]
set truth [torch::tensor_create {0 1 2} int64]
puts "NLL: [torch::tensor_item [torch::nll_loss $logp $truth]]"
set weight [torch::tensor_create {1.0 1.0 2.0}]
puts "weighted: [torch::tensor_item [torch::nllLoss -input $logp -target $truth -weight $weight]]"
