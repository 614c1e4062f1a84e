# A small classifier summarised: parameter totals, then each layer's output shape for a
# batch of two 8-feature inputs.
set model [torch::sequential [list [torch::linear 8 16] [torch::layer_norm 16] \
    [torch::dropout 0.2] [torch::linear 16 3]]]
puts [torch::model_summary $model {2 8}]
