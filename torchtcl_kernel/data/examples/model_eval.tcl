# In evaluation mode dropout is switched off and batch norm uses its running statistics, so the
# same input always gives the same output.
torch::manual_seed 9
set model [torch::sequential [list [torch::linear 4 8] [torch::batch_norm1d 8] \
    [torch::dropout 0.5] [torch::linear 8 1]]]
set x [torch::randn {5 4}]
torch::model_eval $model
set a [torch::layer_forward $model $x]
set b [torch::layer_forward $model $x]
puts "repeatable in eval mode: [torch::tensor_item [torch::tensor_sum [torch::eq $a $b]]] of 5"
